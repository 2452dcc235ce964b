package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Loss.mineAndCompute (fused native call where irkit has one) equals mine-then-compute exactly. */
class FusedMinerLossTest extends TwoThreadContexts {
  private static final int N = 120, D = 32;
  private final Random r = new Random(7);
  private final float[] x = Data.gaussian(r, N, D);
  private final long[] y = Data.labels(r, N, 4);
  private final float[] ref = Data.gaussian(r, 50, D);
  private final long[] refY = Data.labels(r, 50, 4);

  private static void assertSame(LossArrays want, LossArrays got, String what) {
    assertEquals(want.loss(), got.loss(), what);
    assertArrayEquals(want.grad(), got.grad(), what);
    assertArrayEquals(want.gradRef(), got.gradRef(), what);
  }

  private void check(Loss loss, Miner miner, String what) {
    for (Context ctx : new Context[] {one, two}) {
      MinedTuples t = miner.mine(ctx, x, y, null, null, D);
      assertSame(loss.compute(ctx, x, y, D, t, null, null), loss.mineAndCompute(ctx, x, y, D, miner, null, null), what);
      MinedTuples tr = miner.mine(ctx, x, y, ref, refY, D);
      assertSame(loss.compute(ctx, x, y, D, tr, ref, refY), loss.mineAndCompute(ctx, x, y, D, miner, ref, refY), what + " (ref)");
    }
    assertSame(loss.mineAndCompute(one, x, y, D, miner, null, null), loss.mineAndCompute(two, x, y, D, miner, null, null), what + " threads");
  }

  @Test
  void msMinerLossMatchesSeparateCalls() {
    check(new MultiSimilarityLoss(), new MultiSimilarityMiner(0.1), "MS");
    assertTrue(new MultiSimilarityLoss().mineAndCompute(one, x, y, D, new MultiSimilarityMiner(0.1), null, null).loss() > 0);
  }

  @Test
  void batchHardTripletMatchesSeparateCalls() {
    check(new TripletMarginLoss(0.05, false, false), new BatchHardMiner(), "batch-hard triplet");
    check(new TripletMarginLoss(0.05, true, false), new BatchHardMiner(), "batch-hard triplet, swap");
  }

  @Test
  void unfusedPairsFallBack() {
    check(new MultiSimilarityLoss(), new BatchHardMiner(Distance.cosine()), "MS + batch-hard miner");
    check(new TripletMarginLoss(0.05, false, false), new BatchHardMiner(Distance.cosine()), "triplet, miner on cosine");
  }

  @Test
  void badInputsThrow() {
    float[] bad = x.clone();
    bad[5] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MultiSimilarityLoss().mineAndCompute(one, bad, y, D, new MultiSimilarityMiner(), null, null));
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new TripletMarginLoss().mineAndCompute(one, bad, y, D, new BatchHardMiner(), null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new MultiSimilarityLoss(-1, 50, 0.5).mineAndCompute(one, x, y, D, new MultiSimilarityMiner(), null, null));
    assertThrows(IllegalArgumentException.class, () -> new MultiSimilarityLoss().mineAndCompute(one, x, y, D, (Miner) null, null, null));
  }
}
