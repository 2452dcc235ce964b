package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;

/** PML {@code BatchHardMiner()}: hardest positive and negative per anchor. Returns triplets. */
public final class BatchHardMiner extends Miner {
  public BatchHardMiner() {
    this(Distance.lp());
  }

  public BatchHardMiner(Distance distance) {
    super(distance);
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out) {
    return Irkit.irk_batch_hard_miner(ctx, batch, dist, out);
  }
}
