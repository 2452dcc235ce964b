package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;

/** PML {@code MultiSimilarityMiner(epsilon=0.1)}, cosine similarity by default. Returns pairs. */
public final class MultiSimilarityMiner extends Miner {
  private final double epsilon;

  public MultiSimilarityMiner() {
    this(0.1);
  }

  public MultiSimilarityMiner(double epsilon) {
    this(epsilon, Distance.cosine());
  }

  public MultiSimilarityMiner(double epsilon, Distance distance) {
    super(distance);
    this.epsilon = epsilon;
  }

  public double epsilon() {
    return epsilon;
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out) {
    return Irkit.irk_ms_miner(ctx, batch, dist, epsilon, out);
  }
}
