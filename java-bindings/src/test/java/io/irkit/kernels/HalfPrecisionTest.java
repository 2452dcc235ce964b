package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 / float16 embeddings (autocast): every call must give exactly what the float32 call
 * gives on the same values, widened by torch (independently of irkit), and return float32
 * gradients that autograd accepts.
 */
class HalfPrecisionTest extends TorchTest {
  private static final int N = 20, D = 6;

  private static Tensor half(ScalarType type, long seed) {
    return Tensor.create(Data.gaussian(new Random(seed), N, D), N, D).to(type);
  }

  private void sameAsFloat32(ScalarType type) {
    Tensor emb16 = half(type, 5), ref16 = half(type, 6);
    Tensor emb32 = emb16.to(ScalarType.Float), ref32 = ref16.to(ScalarType.Float);
    Tensor labels = Tensor.create(Data.labels(new Random(7), N, 4));
    Tensor refLabels = Tensor.create(Data.labels(new Random(8), N, 4));
    Loss[] losses = {new MultiSimilarityLoss(), new ContrastiveLoss(), new TripletMarginLoss(), new SupConLoss(),
        new NTXentLoss()};
    for (Loss loss : losses) {
      LossResult a = loss.compute(Context.defaultCpu(), emb32, labels, null, null, null);
      LossResult b = loss.compute(Context.defaultCpu(), emb16, labels, null, null, null);
      String what = loss.getClass().getSimpleName() + " " + type;
      assertEquals(a.loss(), b.loss(), 0.0f, what);
      assertEquals(ScalarType.Float.value, b.grad().scalar_type().value, what + ": float32 gradient");
      assertArrayEquals(values(a.grad()), values(b.grad()), 0.0f, what);
      LossResult ar = loss.compute(Context.defaultCpu(), emb32, labels, null, ref32, refLabels);
      LossResult br = loss.compute(Context.defaultCpu(), emb16, labels, null, ref16, refLabels);
      assertEquals(ar.loss(), br.loss(), 0.0f, what + " ref");
      assertArrayEquals(values(ar.gradRef()), values(br.gradRef()), 0.0f, what + " ref");
    }
    assertEquals(new MultiSimilarityMiner().mine(emb32, labels), new MultiSimilarityMiner().mine(emb16, labels));
    assertArrayEquals(values(Distance.cosine().pairwise(emb32, null)), values(Distance.cosine().pairwise(emb16, null)),
        0.0f);
  }

  @Test
  void bfloat16MatchesFloat32OnWidenedValues() {
    sameAsFloat32(ScalarType.BFloat16);
  }

  @Test
  void float16MatchesFloat32OnWidenedValues() {
    sameAsFloat32(ScalarType.Half);
  }

  @Test
  void gradientGoesBackIntoHalfAutograd() {
    Tensor emb = half(ScalarType.BFloat16, 11);
    emb.set_requires_grad(true);
    Tensor labels = Tensor.create(Data.labels(new Random(12), N, 4));
    LossResult r = new MultiSimilarityLoss().compute(emb, labels);
    r.backward(emb);
    assertEquals(ScalarType.BFloat16.value, emb.grad().scalar_type().value);
    float[] want = values(r.grad().to(ScalarType.BFloat16).to(ScalarType.Float));
    assertArrayEquals(want, values(emb.grad().to(ScalarType.Float)), 0.0f);
  }

  @Test
  void otherDtypesAreRejected() {
    Tensor emb = half(ScalarType.Double, 3);
    Tensor labels = Tensor.create(Data.labels(new Random(4), N, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MultiSimilarityLoss().compute(emb, labels));
    assertEquals(true, e.getMessage().contains("float32, bfloat16 or float16"), e.getMessage());
  }
}
