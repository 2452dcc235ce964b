package io.irkit.bench;

import io.irkit.kernels.BatchHardMiner;
import io.irkit.kernels.TripletMarginLoss;

/** Headline: BatchHardMiner + TripletMarginLoss(margin 0.05), LpDistance, forward + backward. */
public class BatchHardTripletBench extends BatchBench {
  @Override
  protected void prepare() {
    BatchHardMiner miner = new BatchHardMiner();
    TripletMarginLoss loss = new TripletMarginLoss(0.05, false, false);
    kernels(() -> loss.mineAndCompute(ctx, w.emb, w.labels, miner, null, null),
        () -> Autograd.run(x -> TorchLosses.tripletMargin(x[0], TorchMiners.batchHard(x[0], w.labels), 0.05), w.emb));
  }
}
