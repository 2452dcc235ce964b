package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code TripletMarginLoss(margin=0.05, swap=False, smooth_loss=False, triplets_per_anchor="all")}, LpDistance by default. */
public final class TripletMarginLoss extends Loss {
  private final double margin;
  private final boolean swap, smoothLoss;

  public TripletMarginLoss() {
    this(0.05, false, false);
  }

  public TripletMarginLoss(double margin, boolean swap, boolean smoothLoss) {
    this(margin, swap, smoothLoss, Distance.lp());
  }

  public TripletMarginLoss(double margin, boolean swap, boolean smoothLoss, Distance distance) {
    super(distance);
    this.margin = margin;
    this.swap = swap;
    this.smoothLoss = smoothLoss;
  }

  @Override
  Fused fused(Miner miner) {
    if (!(miner instanceof BatchHardMiner)) return null;
    return (ctx, batch, dist, out) ->
        Irkit.irk_batch_hard_triplet_loss(ctx, batch, dist, margin, swap ? 1 : 0, smoothLoss ? 1 : 0, null, out);
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_triplet_margin_loss(ctx, batch, dist, tuples, margin, swap ? 1 : 0, smoothLoss ? 1 : 0, out);
  }
}
