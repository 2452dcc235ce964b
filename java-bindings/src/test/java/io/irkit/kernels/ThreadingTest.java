package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every kernel gives the same result with 1 and 2 threads (rows are split, sums kept in order). */
class ThreadingTest extends TwoThreadContexts {
  private static final int N = 96, D = 24;
  private final Random r = new Random(42);
  private final float[] x = Data.gaussian(r, N, D);
  private final long[] y = Data.labels(r, N, 4);

  @Test
  void minersAgree() {
    for (Miner m : List.of(new MultiSimilarityMiner(), new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD),
        new BatchHardMiner(), new BatchEasyHardMiner(), new PairMarginMiner()))
      assertEquals(m.mine(one, x, y, null, null, D), m.mine(two, x, y, null, null, D), m.getClass().getSimpleName());
  }

  @Test
  void lossesAgree() {
    MinedTuples mined = new MultiSimilarityMiner().mine(x, y, D);
    for (Loss l : List.of(new ContrastiveLoss(), new TripletMarginLoss(0.2, true, false), new MultiSimilarityLoss(),
        new NTXentLoss(), new SupConLoss(), new CircleLoss(), new ThresholdConsistentMarginLoss())) {
      for (MinedTuples t : new MinedTuples[] {null, mined}) {
        LossArrays a = l.compute(one, x, y, D, t, null, null);
        LossArrays b = l.compute(two, x, y, D, t, null, null);
        String what = l.getClass().getSimpleName() + (t == null ? "" : " mined");
        assertEquals(a.loss(), b.loss(), what);
        assertArrayEquals(a.grad(), b.grad(), what);
      }
    }
  }

  @Test
  void classifierLossesAgree() {
    long c = 30;
    for (ClassifierLoss l : List.of(new CosFaceLoss(c, D), new ArcFaceLoss(c, D), new SubCenterArcFaceLoss(c, D),
        new NormalizedSoftmaxLoss(c, D), new ProxyAnchorLoss(c, D))) {
      long[] shape = l.weightShape();
      float[] w = Data.gaussian(new Random(1), (int) shape[0], (int) shape[1]);
      LossArrays a = l.compute(one, x, y, w, null);
      LossArrays b = l.compute(two, x, y, w, null);
      String what = l.getClass().getSimpleName();
      assertEquals(a.loss(), b.loss(), what);
      assertArrayEquals(a.grad(), b.grad(), what);
      assertArrayEquals(a.gradWeights(), b.gradWeights(), what);
    }
  }

  @Test
  void knnAgrees() {
    Knn.Result a = Knn.search(one, Distance.cosine(), x, null, D, 10);
    Knn.Result b = Knn.search(two, Distance.cosine(), x, null, D, 10);
    assertArrayEquals(a.indices(), b.indices());
    assertArrayEquals(a.values(), b.values());
  }
}
