package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code NTXentLoss(temperature=0.07)}, cosine similarity by default. */
public final class NTXentLoss extends Loss {
  private final double temperature;

  public NTXentLoss() {
    this(0.07);
  }

  public NTXentLoss(double temperature) {
    this(temperature, Distance.cosine());
  }

  public NTXentLoss(double temperature, Distance distance) {
    super(distance);
    this.temperature = temperature;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_ntxent_loss(ctx, batch, dist, tuples, temperature, out);
  }
}
