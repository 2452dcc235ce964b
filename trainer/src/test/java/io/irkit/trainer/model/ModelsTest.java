package io.irkit.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in architectures: shapes, names, normalization, gradients, seeding. */
class ModelsTest {
  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  static Tensor images(long b, long size, long seed) {
    torch.manual_seed(seed);
    return torch.randn(b, 3, size, size);
  }

  /** Row norms of a [B, D] tensor. */
  static float[] norms(Tensor emb) {
    float[] v = Fixtures.values(emb);
    int d = (int) emb.size(1);
    float[] out = new float[v.length / d];
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += (double) v[i * d + j] * v[i * d + j];
      out[i] = (float) Math.sqrt(s);
    }
    return out;
  }

  @Test
  void resnet50BuildsWithTorchvisionNamesAndEmbeds() throws IOException {
    try (EmbeddingModel m = Models.build(new ModelSpec("resnet50", null, 64, 0))) {
      m.train(false);
      Tensor emb = m.forward(images(1, 32, 1));
      assertArrayEquals(new long[] {1, 64}, emb.shape());
      assertEquals(1f, norms(emb)[0], 1e-5f);
      Map<String, Tensor> sd = ((EmbeddingNet) m).stateDict();
      assertArrayEquals(new long[] {2048, 512, 1, 1}, sd.get("backbone.layer4.2.conv3.weight").shape());
      assertArrayEquals(new long[] {256, 64, 1, 1}, sd.get("backbone.layer1.0.downsample.0.weight").shape());
      assertArrayEquals(new long[] {1024}, sd.get("backbone.layer3.0.downsample.1.running_var").shape());
      assertArrayEquals(new long[] {64, 2048}, sd.get("head.weight").shape());
      assertEquals(53 * 2 + 53 + 2, m.parameters().size()); // 53 convs, 53 BN (weight, bias), head
    }
  }

  @Test
  void smallCnnTrainsEndToEnd() throws IOException {
    try (EmbeddingModel m = Models.build(new ModelSpec("smallcnn", null, 16, 3))) {
      List<Tensor> params = m.parameters();
      m.to(new Device("cpu")); // moves in place: the parameter handles stay valid
      long count = params.stream().mapToLong(Tensor::numel).sum();
      assertTrue(count > 80_000 && count < 120_000, "smallcnn has " + count + " parameters");
      Tensor x = images(4, 32, 2), target = torch.randn(4, 16);
      Tensor loss = m.forward(x).mul(target).sum().neg();
      loss.backward();
      for (Tensor p : params) {
        assertTrue(p.requires_grad());
        assertTrue(p.grad().defined() && p.grad().abs().sum().item_double() > 0, "no gradient reached a parameter");
      }
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : params) p.sub_(p.grad().mul(new Scalar(0.05)));
      }
      double after = m.forward(x).mul(target).sum().neg().item_double();
      assertTrue(after < loss.item_double(), "one SGD step did not lower the loss: " + loss.item_double() + " -> " + after);
    }
  }

  @ParameterizedTest
  @CsvSource({"smallcnn, 0, 128", "smallcnn, 24, 24", "resnet18, 0, 512", "resnet18, 7, 7"})
  void embeddingsHaveUnitNorm(String arch, int dim, int expectedDim) throws IOException {
    try (EmbeddingModel m = Models.build(new ModelSpec(arch, null, dim, 5))) {
      assertEquals(expectedDim, m.embeddingDim());
      Tensor emb = m.forward(images(3, 32, 4).mul(new Scalar(10.0)));
      assertArrayEquals(new long[] {3, expectedDim}, emb.shape());
      for (float n : norms(emb)) assertEquals(1f, n, 1e-5f);
    }
  }

  @Test
  void trainAndEvalModesDiffer() throws IOException {
    try (EmbeddingModel m = Models.build(new ModelSpec("smallcnn", null, 0, 5))) {
      Tensor x = images(4, 32, 6);
      Tensor train = m.forward(x);
      m.train(false);
      assertFalse(train.equal(m.forward(x)), "BatchNorm must use running statistics in eval mode");
    }
  }

  @Test
  void theSeedDecidesTheInitialWeights() throws IOException {
    try (EmbeddingModel a = Models.build(new ModelSpec("smallcnn", null, 8, 11));
        EmbeddingModel b = Models.build(new ModelSpec("smallcnn", null, 8, 11));
        EmbeddingModel c = Models.build(new ModelSpec("smallcnn", null, 8, 12))) {
      assertTrue(a.parameters().get(0).equal(b.parameters().get(0)));
      assertTrue(a.parameters().get(a.parameters().size() - 2).equal(b.parameters().get(b.parameters().size() - 2)));
      assertFalse(a.parameters().get(0).equal(c.parameters().get(0)));
    }
  }

  @Test
  void badSpecsAndInputsAreRejected() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.build(new ModelSpec("vgg16", null, 0, 0)));
    assertTrue(e.getMessage().contains("resnet18, resnet50, smallcnn or torchscript"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ModelSpec("smallcnn", null, -1, 0));
    try (EmbeddingModel m = Models.build(new ModelSpec("smallcnn", null, 0, 0))) {
      e = assertThrows(IllegalArgumentException.class, () -> m.forward(torch.randn(2, 1, 32, 32)));
      assertTrue(e.getMessage().contains("[B, 3, H, W]"), e.getMessage());
    }
  }
}
