package io.irkit.bench;

import io.irkit.kernels.TripletMarginMiner;

/** TripletMarginMiner(margin 0.2, semihard), LpDistance; PML enumerates all B^3 triplets. */
public class TripletMinerBench extends CubicBench {
  @Override
  protected void prepare() {
    TripletMarginMiner miner = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD);
    kernels(() -> miner.mine(ctx, w.emb, w.labels, null, null), () -> TorchMiners.tripletMarginSemihard(w.emb, w.labels, 0.2));
  }
}
