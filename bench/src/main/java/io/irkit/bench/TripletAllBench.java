package io.irkit.bench;

import io.irkit.kernels.TripletMarginLoss;

/** TripletMarginLoss(margin 0.05) over all triplets of the batch (no miner), forward + backward. */
public class TripletAllBench extends CubicBench {
  @Override
  protected void prepare() {
    TripletMarginLoss loss = new TripletMarginLoss(0.05, false, false);
    kernels(() -> loss.compute(ctx, w.emb, w.labels, null, null, null),
        () -> Autograd.run(x -> TorchLosses.tripletMargin(x[0], TorchMiners.allTriplets(w.labels), 0.05), w.emb));
  }
}
