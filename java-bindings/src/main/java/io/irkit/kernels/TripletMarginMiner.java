package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;

/** PML {@code TripletMarginMiner(margin=0.2, type_of_triplets="all")}, LpDistance by default. */
public final class TripletMarginMiner extends Miner {
  /** PML's type_of_triplets. */
  public enum Type { ALL, HARD, SEMIHARD, EASY }

  private final double margin;
  private final Type type;

  public TripletMarginMiner() {
    this(0.2, Type.ALL);
  }

  public TripletMarginMiner(double margin, Type type) {
    this(margin, type, Distance.lp());
  }

  public TripletMarginMiner(double margin, Type type, Distance distance) {
    super(distance);
    if (type == null) throw new IllegalArgumentException("type_of_triplets is null");
    this.margin = margin;
    this.type = type;
  }

  public static Type type(String pmlName) {
    try {
      return Type.valueOf(pmlName.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("type_of_triplets must be all, hard, semihard or easy, got '" + pmlName + "'");
    }
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out) {
    int t = switch (type) {
      case ALL -> Irkit.IRK_TRIPLETS_ALL;
      case HARD -> Irkit.IRK_TRIPLETS_HARD;
      case SEMIHARD -> Irkit.IRK_TRIPLETS_SEMIHARD;
      case EASY -> Irkit.IRK_TRIPLETS_EASY;
    };
    return Irkit.irk_triplet_margin_miner(ctx, batch, dist, margin, t, out);
  }
}
