package io.irkit.bench;

import io.irkit.bench.TorchMiners.Pairs;
import io.irkit.bench.TorchMiners.Triplets;
import io.irkit.kernels.LossResult;
import io.irkit.kernels.MinedTuples;
import io.irkit.kernels.RetrievalMetrics;
import org.bytedeco.pytorch.Tensor;

/**
 * Before timing, checks that the irkit kernel and its LibTorch-ops baseline compute the same thing
 * (loss and gradients, mined counts, metrics, matrices), so the ratio compares like with like.
 * Tolerances are loose enough for float32 summation order and catch formula mistakes. Off with
 * {@code -Dirkit.bench.check=false}.
 */
final class Check {
  static final boolean ENABLED = !"false".equals(System.getProperty("irkit.bench.check"));

  private Check() {}

  static void same(String what, Object irkit, Object baseline) {
    String detail;
    if (irkit instanceof LossResult r && baseline instanceof Autograd.Result t) {
      detail = "loss " + r.loss() + " vs " + t.loss();
      close(what + " loss", r.loss(), t.loss(), 2e-3);
      closeTensors(what + " dLoss/dEmbeddings", r.grad(), t.grads()[0]);
      if (r.gradWeights() != null) closeTensors(what + " dLoss/dWeights", r.gradWeights(), t.grads()[1]);
    } else if (irkit instanceof MinedTuples m && baseline instanceof Pairs p) {
      detail = "pairs +" + m.numPositivePairs() + " -" + m.numNegativePairs() + " vs +" + p.pos().size(0) + " -" + p.neg().size(0);
      count(what + " positive pairs", m.numPositivePairs(), p.pos().size(0));
      count(what + " negative pairs", m.numNegativePairs(), p.neg().size(0));
    } else if (irkit instanceof MinedTuples m && baseline instanceof Triplets t) {
      detail = "triplets " + m.numTriplets() + " vs " + t.count();
      count(what + " triplets", m.numTriplets(), t.count());
    } else if (irkit instanceof RetrievalMetrics.Result r && baseline instanceof double[] v) {
      detail = "P@1 " + r.precisionAt1() + " vs " + v[0] + ", MAP@R " + r.mapAtR() + " vs " + v[1];
      close(what + " precision@1", r.precisionAt1(), v[0], 1e-3);
      close(what + " MAP@R", r.mapAtR(), v[1], 1e-3);
    } else if (irkit instanceof Tensor a && baseline instanceof Tensor b) {
      detail = "matrix " + a.size(0) + " x " + a.size(1);
      closeTensors(what, a, b);
    } else {
      throw new IllegalStateException(what + ": cannot compare " + irkit.getClass() + " with " + baseline.getClass());
    }
    System.out.println("check ok: " + what + ": " + detail);
  }

  private static void close(String what, double a, double b, double rel) {
    if (!(Math.abs(a - b) <= rel * Math.max(1.0, Math.abs(b))))
      throw new IllegalStateException(what + ": irkit " + a + " vs LibTorch ops " + b);
  }

  /** max |a - b| within 2% of max |b|: a wrong formula is off by O(1), float32 order by ~1e-5. */
  private static void closeTensors(String what, Tensor a, Tensor b) {
    double diff = a.sub(b).abs().max().item_double();
    double scale = b.abs().max().item_double();
    if (!(diff <= 2e-2 * scale + 1e-6))
      throw new IllegalStateException(what + ": max |irkit - LibTorch ops| = " + diff + " (max |LibTorch ops| = " + scale + ")");
  }

  /** Mined counts may differ by a few pairs sitting exactly on a threshold in float32. */
  private static void count(String what, long a, long b) {
    if (Math.abs(a - b) > Math.max(2, b / 500))
      throw new IllegalStateException(what + ": irkit " + a + " vs LibTorch ops " + b);
  }
}
