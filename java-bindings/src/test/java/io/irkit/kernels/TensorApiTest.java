package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The tensor API is zero-copy and agrees with the array API; its gradient feeds autograd. */
class TensorApiTest extends TorchTest {
  private static final int N = 16, D = 8;

  @Test
  void lossGradientGoesIntoAutograd() {
    Random r = new Random(9);
    float[] x = Data.gaussian(r, N, D);
    long[] y = Data.labels(r, N, 4);
    Tensor emb = Tensor.create(x, N, D);
    emb.set_requires_grad(true);
    Tensor labels = Tensor.create(y);
    MinedTuples mined = new MultiSimilarityMiner().mine(emb, labels);
    assertEquals(new MultiSimilarityMiner().mine(x, y, D), mined);
    LossResult res = new MultiSimilarityLoss().compute(emb, labels, mined);
    LossArrays arrays = new MultiSimilarityLoss().compute(x, y, D, mined);
    assertEquals(arrays.loss(), res.loss());
    assertArrayEquals(arrays.grad(), values(res.grad()));
    assertNull(res.gradRef());
    res.backward(emb);
    assertArrayEquals(arrays.grad(), values(emb.grad()));
  }

  @Test
  void inputIsReadInPlace() {
    Tensor emb = Tensor.create(new float[] {1, 0, 0, 1}, 2, 2);
    Tensor d1 = Distance.lp(false, 1).pairwise(emb, null);
    emb.data_ptr_float().put(2, 3f); // mutate the tensor's own memory
    Tensor d2 = Distance.lp(false, 1).pairwise(emb, null);
    assertEquals((float) Math.sqrt(2), values(d1)[1], 1e-6);
    assertEquals((float) Math.sqrt(5), values(d2)[1], 1e-6); // rows (1,0) and (3,1)
  }

  @Test
  void pairwiseMatchesBruteForce() {
    Random r = new Random(2);
    float[] x = Data.gaussian(r, 5, 3), yv = Data.gaussian(r, 4, 3);
    float[] cos = Distance.cosine().pairwise(x, yv, 3);
    float[] l2 = Distance.lp(false, 1).pairwise(x, yv, 3);
    float[] sq = Distance.squaredL2(false).pairwise(x, yv, 3);
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 4; j++) {
        double dot = 0, nx = 0, ny = 0, diff = 0;
        for (int k = 0; k < 3; k++) {
          double a = x[i * 3 + k], b = yv[j * 3 + k];
          dot += a * b;
          nx += a * a;
          ny += b * b;
          diff += (a - b) * (a - b);
        }
        assertEquals(dot / Math.sqrt(nx * ny), cos[i * 4 + j], 1e-6);
        assertEquals(Math.sqrt(diff), l2[i * 4 + j], 1e-5);
        assertEquals(diff, sq[i * 4 + j], 1e-4);
      }
  }

  @Test
  void retrievalMetricsOnTensorsMatchHandDerivedCases() {
    Tensor x = Tensor.create(new float[] {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f}, 4, 2);
    RetrievalMetrics.Result together = RetrievalMetrics.evaluate(Context.defaultCpu(), Distance.cosine(), x,
        new long[] {0, 0, 1, 1}, null, null, RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 2);
    assertEquals(1.0, together.precisionAt1()); // each point's nearest other point is its classmate
    assertEquals(1.0, together.mapAtR());
    assertArrayEquals(new double[] {1.0, 1.0}, together.recallAtK());
    RetrievalMetrics.Result apart = RetrievalMetrics.evaluate(Context.defaultCpu(), Distance.cosine(), x,
        new long[] {0, 1, 0, 1}, null, null, RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 2);
    // Every nearest point is of the other class. By cosine, (0.9, 0.1) and (0.1, 0.9) find their
    // classmate 2nd (cos 0.22 beats 0.11), (1, 0) and (0, 1) find theirs 3rd (cos 0 after 0.11).
    assertEquals(0.0, apart.precisionAt1());
    assertArrayEquals(new double[] {0.0, 0.5}, apart.recallAtK());
  }

  @Test
  void retrievalMetricsOnTensorsAgreeWithArrays() {
    Random r = new Random(4);
    float[] q = Data.gaussian(r, 40, D), ref = Data.gaussian(r, 30, D);
    long[] ql = Data.labels(r, 40, 5), rl = Data.labels(r, 30, 5);
    Context cpu = Context.defaultCpu();
    Distance l2 = Distance.lp(false, 1);
    assertEquals(RetrievalMetrics.evaluate(cpu, l2, q, ql, null, null, D, RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 4).asMap(),
        RetrievalMetrics.evaluate(cpu, l2, Tensor.create(q, 40, D), ql, null, null, RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 4)
            .asMap());
    assertEquals(RetrievalMetrics.evaluate(cpu, l2, q, ql, ref, rl, D, RetrievalMetrics.K_ALL, true, 2).asMap(),
        RetrievalMetrics.evaluate(cpu, l2, Tensor.create(q, 40, D), ql, Tensor.create(ref, 30, D), rl, RetrievalMetrics.K_ALL,
            true, 2).asMap());
  }
}
