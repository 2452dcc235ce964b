package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite differences on fresh random inputs for every loss: the directional derivative of the
 * kernel's loss value along random directions must match grad . v (embeddings, reference set and
 * weights). Central differences, step 1e-3, evaluated from the float32 kernel in double.
 * CircleLoss is left out on purpose: PML detaches its alpha weights, so its gradient is not the
 * derivative of its value; the reference values check it instead.
 */
class GradientCheckTest {
  private static final int N = 12, D = 6, M = 10, PER_CLASS = 3;
  private static final double H = 1e-3, TOL = 3e-3;

  static Stream<Arguments> pairLosses() {
    return Stream.of(
        Arguments.of(Named.of("contrastive L2", new ContrastiveLoss(0.1, 1.2))),
        Arguments.of(Named.of("contrastive cosine", new ContrastiveLoss(0.9, 0.3, Distance.cosine()))),
        Arguments.of(Named.of("contrastive raw squared L2", new ContrastiveLoss(0.5, 9, Distance.squaredL2(false)))),
        Arguments.of(Named.of("triplet", new TripletMarginLoss(0.3, false, false))),
        Arguments.of(Named.of("triplet swap", new TripletMarginLoss(0.3, true, false))),
        Arguments.of(Named.of("triplet smooth", new TripletMarginLoss(0.2, false, true))),
        Arguments.of(Named.of("triplet cosine", new TripletMarginLoss(0.2, false, false, Distance.cosine()))),
        Arguments.of(Named.of("triplet L2 power 2", new TripletMarginLoss(0.2, false, false, Distance.lp(true, 2)))),
        Arguments.of(Named.of("multi-similarity", new MultiSimilarityLoss())),
        Arguments.of(Named.of("multi-similarity L2", new MultiSimilarityLoss(2, 10, 0.8, Distance.lp()))),
        Arguments.of(Named.of("multi-similarity dot raw", new MultiSimilarityLoss(1, 4, 0.5, Distance.dot(false)))),
        Arguments.of(Named.of("ntxent", new NTXentLoss(0.5))),
        Arguments.of(Named.of("supcon", new SupConLoss(0.5))),
        Arguments.of(Named.of("threshold-consistent margin", new ThresholdConsistentMarginLoss(1, 1, 0.3, 0.1))));
  }

  @ParameterizedTest
  @MethodSource("pairLosses")
  void pairLossGradientMatchesFiniteDifferences(Loss loss) {
    Random r = new Random(7);
    float[] x = Data.gaussian(r, N, D);
    long[] y = Data.labels(r, N, PER_CLASS);
    LossArrays res = loss.compute(x, y, D, null);
    checkDirections("embeddings", x, res.grad(), r, xs -> loss.compute(xs, y, D, null).loss());
  }

  @ParameterizedTest
  @MethodSource("pairLosses")
  void pairLossWithReferenceSetGradients(Loss loss) {
    Random r = new Random(11);
    float[] x = Data.gaussian(r, N, D);
    long[] y = Data.labels(r, N, PER_CLASS);
    float[] ref = Data.gaussian(r, M, D);
    long[] refY = Data.labels(r, M, 2);
    Context ctx = Context.defaultCpu();
    LossArrays res;
    try {
      res = loss.compute(ctx, x, y, D, null, ref, refY);
    } catch (UnsupportedOperationException e) {
      return; // PML has no reference-set form of this loss
    }
    checkDirections("embeddings", x, res.grad(), r, xs -> loss.compute(ctx, xs, y, D, null, ref, refY).loss());
    checkDirections("reference", ref, res.gradRef(), r, rs -> loss.compute(ctx, x, y, D, null, rs, refY).loss());
  }

  static Stream<Arguments> classifierLosses() {
    long c = 5;
    return Stream.of(
        Arguments.of(Named.of("cosface", new CosFaceLoss(c, D, 0.35, 4))),
        Arguments.of(Named.of("arcface", new ArcFaceLoss(c, D, 20, 4))),
        Arguments.of(Named.of("subcenter arcface", new SubCenterArcFaceLoss(c, D, 20, 4, 3))),
        Arguments.of(Named.of("normalized softmax", new NormalizedSoftmaxLoss(c, D, 0.5))),
        Arguments.of(Named.of("proxy anchor", new ProxyAnchorLoss(c, D, 0.1, 4))));
  }

  @ParameterizedTest
  @MethodSource("classifierLosses")
  void classifierLossGradientsMatchFiniteDifferences(ClassifierLoss loss) {
    Random r = new Random(3);
    float[] x = Data.gaussian(r, N, D);
    long[] y = new long[N];
    for (int i = 0; i < N; i++) y[i] = r.nextInt((int) loss.numClasses() - 1); // one class never occurs
    long[] shape = loss.weightShape();
    float[] w = Data.gaussian(r, (int) shape[0], (int) shape[1]);
    LossArrays res = loss.compute(x, y, w, null);
    checkDirections("embeddings", x, res.grad(), r, xs -> loss.compute(xs, y, w, null).loss());
    checkDirections("weights", w, res.gradWeights(), r, ws -> loss.compute(x, y, ws, null).loss());
  }

  private static void checkDirections(String what, float[] at, float[] grad, Random r, Function<float[], Float> f) {
    assertTrue(grad != null && grad.length == at.length, what + ": gradient missing or of the wrong size");
    double gnorm = Data.norm(grad);
    List<float[]> dirs = List.of(Data.unitDirection(r, at.length), Data.unitDirection(r, at.length), grad.clone());
    for (float[] v : dirs) {
      double vn = Data.norm(v);
      if (vn == 0) continue;
      double analytic = Data.dot(grad, v) / vn;
      double numeric = (f.apply(Data.axpy(at, H / vn, v)) - (double) f.apply(Data.axpy(at, -H / vn, v))) / (2 * H);
      double err = Math.abs(analytic - numeric);
      assertTrue(err <= TOL * Math.max(gnorm, 1e-3),
          String.format("%s: directional derivative %.6g by finite differences vs %.6g from the kernel (|grad| %.3g)", what,
              numeric, analytic, gnorm));
    }
  }
}
