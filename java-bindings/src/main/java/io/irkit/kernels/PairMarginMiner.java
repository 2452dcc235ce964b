package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;

/** PML {@code PairMarginMiner(pos_margin=0.2, neg_margin=0.8)}, LpDistance by default. Returns pairs. */
public final class PairMarginMiner extends Miner {
  private final double posMargin, negMargin;

  public PairMarginMiner() {
    this(0.2, 0.8);
  }

  public PairMarginMiner(double posMargin, double negMargin) {
    this(posMargin, negMargin, Distance.lp());
  }

  public PairMarginMiner(double posMargin, double negMargin, Distance distance) {
    super(distance);
    this.posMargin = posMargin;
    this.negMargin = negMargin;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out) {
    return Irkit.irk_pair_margin_miner(ctx, batch, dist, posMargin, negMargin, out);
  }
}
