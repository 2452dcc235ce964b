package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code CircleLoss(m=0.4, gamma=80)}, cosine similarity by default. */
public final class CircleLoss extends Loss {
  private final double m, gamma;

  public CircleLoss() {
    this(0.4, 80);
  }

  public CircleLoss(double m, double gamma) {
    this(m, gamma, Distance.cosine());
  }

  public CircleLoss(double m, double gamma, Distance distance) {
    super(distance);
    this.m = m;
    this.gamma = gamma;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_circle_loss(ctx, batch, dist, tuples, m, gamma, out);
  }
}
