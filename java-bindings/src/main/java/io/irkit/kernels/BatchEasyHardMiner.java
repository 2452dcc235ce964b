package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;
import java.util.Locale;
import org.bytedeco.javacpp.DoublePointer;

/**
 * PML {@code BatchEasyHardMiner(pos_strategy="easy", neg_strategy="semihard", allowed_pos_range=None,
 * allowed_neg_range=None)}. Returns pairs, as PML 2.x does.
 */
public final class BatchEasyHardMiner extends Miner {
  public enum Strategy { EASY, SEMIHARD, HARD, ALL }

  private final Strategy pos, neg;
  private final double[] posRange, negRange;

  public BatchEasyHardMiner() {
    this(Strategy.EASY, Strategy.SEMIHARD, null, null, Distance.lp());
  }

  /** Ranges are {lo, hi} or null. */
  public BatchEasyHardMiner(Strategy posStrategy, Strategy negStrategy, double[] allowedPosRange,
      double[] allowedNegRange, Distance distance) {
    super(distance);
    if (posStrategy == null || negStrategy == null) throw new IllegalArgumentException("strategies must not be null");
    checkRange(allowedPosRange, "allowed_pos_range");
    checkRange(allowedNegRange, "allowed_neg_range");
    this.pos = posStrategy;
    this.neg = negStrategy;
    this.posRange = allowedPosRange == null ? null : allowedPosRange.clone();
    this.negRange = allowedNegRange == null ? null : allowedNegRange.clone();
  }

  public static Strategy strategy(String pmlName) {
    try {
      return Strategy.valueOf(pmlName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("strategy must be easy, semihard, hard or all, got '" + pmlName + "'");
    }
  }

  private static void checkRange(double[] r, String name) {
    if (r != null && r.length != 2) throw new IllegalArgumentException(name + " must be [lo, hi], got " + r.length + " values");
  }

  @Override
  int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out) {
    try (DoublePointer pr = posRange == null ? null : new DoublePointer(posRange);
        DoublePointer nr = negRange == null ? null : new DoublePointer(negRange)) {
      return Irkit.irk_batch_easy_hard_miner(ctx, batch, dist, code(pos), code(neg), pr, nr, out);
    }
  }

  private static int code(Strategy s) {
    return switch (s) {
      case EASY -> Irkit.IRK_STRATEGY_EASY;
      case SEMIHARD -> Irkit.IRK_STRATEGY_SEMIHARD;
      case HARD -> Irkit.IRK_STRATEGY_HARD;
      case ALL -> Irkit.IRK_STRATEGY_ALL;
    };
  }
}
