package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code ThresholdConsistentMarginLoss(lambda_plus=1, lambda_minus=1, margin_plus=0.9, margin_minus=0.5)}, cosine. */
public final class ThresholdConsistentMarginLoss extends Loss {
  private final double lambdaPlus, lambdaMinus, marginPlus, marginMinus;

  public ThresholdConsistentMarginLoss() {
    this(1, 1, 0.9, 0.5);
  }

  public ThresholdConsistentMarginLoss(double lambdaPlus, double lambdaMinus, double marginPlus, double marginMinus) {
    super(Distance.cosine());
    this.lambdaPlus = lambdaPlus;
    this.lambdaMinus = lambdaMinus;
    this.marginPlus = marginPlus;
    this.marginMinus = marginMinus;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_tcm_loss(ctx, batch, dist, tuples, lambdaPlus, lambdaMinus, marginPlus, marginMinus, out);
  }
}
