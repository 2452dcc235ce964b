package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;

/** PML {@code MultiSimilarityLoss(alpha=2, beta=50, base=0.5)}, cosine similarity by default. */
public final class MultiSimilarityLoss extends Loss {
  private final double alpha, beta, base;

  public MultiSimilarityLoss() {
    this(2, 50, 0.5);
  }

  public MultiSimilarityLoss(double alpha, double beta, double base) {
    this(alpha, beta, base, Distance.cosine());
  }

  public MultiSimilarityLoss(double alpha, double beta, double base, Distance distance) {
    super(distance);
    this.alpha = alpha;
    this.beta = beta;
    this.base = base;
  }

  @Override
  Fused fused(Miner miner) {
    if (!(miner instanceof MultiSimilarityMiner ms)) return null;
    return (ctx, batch, dist, out) -> Irkit.irk_ms_miner_loss(ctx, batch, dist, ms.epsilon(), alpha, beta, base, null, out);
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_ms_loss(ctx, batch, dist, tuples, alpha, beta, base, out);
  }
}
