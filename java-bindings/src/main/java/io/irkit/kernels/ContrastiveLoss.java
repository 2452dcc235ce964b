package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code ContrastiveLoss(pos_margin=0, neg_margin=1)}, LpDistance by default. */
public final class ContrastiveLoss extends Loss {
  private final double posMargin, negMargin;

  public ContrastiveLoss() {
    this(0, 1);
  }

  public ContrastiveLoss(double posMargin, double negMargin) {
    this(posMargin, negMargin, Distance.lp());
  }

  public ContrastiveLoss(double posMargin, double negMargin, Distance distance) {
    super(distance);
    this.posMargin = posMargin;
    this.negMargin = negMargin;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_contrastive_loss(ctx, batch, dist, tuples, posMargin, negMargin, out);
  }
}
