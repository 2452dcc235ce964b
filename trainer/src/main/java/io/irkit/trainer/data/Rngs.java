package io.irkit.trainer.data;

import java.util.SplittableRandom;

/**
 * Random streams keyed by coordinates, so each draw depends only on (seed, epoch, position) and never on
 * thread scheduling or on how many draws came before: a resumed run sees bit-identical data.
 */
public final class Rngs {
  /** Stream tags, so the sampler and the transforms never share a stream for the same coordinates. */
  static final long SAMPLER = 0x5A3D_1E6B_0C4F_2A17L, TRANSFORM = 0x1B87_3CA9_E2D4_F065L;

  private Rngs() {}

  /** The transform stream of the sample at `position` of `epoch` (position = batch * batchSize + i). */
  public static SplittableRandom forSample(long seed, int epoch, long position) {
    return of(TRANSFORM, seed, epoch, position);
  }

  static SplittableRandom of(long tag, long seed, long a, long b) {
    long h = mix(tag ^ seed);
    h = mix(h + 0x9E37_79B9_7F4A_7C15L * (a + 1));
    h = mix(h + 0xC2B2_AE3D_27D4_EB4FL * (b + 1));
    return new SplittableRandom(h);
  }

  /** SplitMix64's finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
