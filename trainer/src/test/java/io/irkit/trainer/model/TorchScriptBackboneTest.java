package io.irkit.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted module from Python (fixtures/tiny_backbone.pt) as a trainable backbone. */
class TorchScriptBackboneTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  static EmbeddingModel tiny(int dim) throws IOException {
    return Models.build(new ModelSpec("torchscript", Fixtures.path("tiny_backbone.pt"), dim, 0));
  }

  @Test
  void runsLikeInPython() throws IOException {
    try (EmbeddingModel m = tiny(0); NoGradGuard g = new NoGradGuard()) {
      m.train(false);
      assertEquals(16, m.embeddingDim());
      Tensor features = ((EmbeddingNet) m).features(Fixtures.npy("resnet18_input.npy"));
      Tensor expected = Fixtures.npy("tiny_features.npy");
      assertArrayEquals(expected.shape(), features.shape());
      double diff = Fixtures.maxAbsDiff(expected, features);
      assertTrue(diff <= 1e-5, "max |java - python| = " + diff);
    }
  }

  @Test
  void itsParametersReceiveGradients() throws IOException {
    try (EmbeddingModel m = tiny(8)) {
      List<Tensor> params = m.parameters();
      assertEquals(8, params.size()); // conv1 (w, b), bn1 (w, b), conv2 (w, b), head (w, b)
      Tensor emb = m.forward(ModelsTest.images(2, 32, 1));
      assertArrayEquals(new long[] {2, 8}, emb.shape());
      emb.mul(torch.randn(2, 8)).sum().backward();
      for (Tensor p : params)
        assertTrue(p.grad().defined() && p.grad().abs().sum().item_double() > 0, "no gradient for a " + Arrays.toString(p.shape()) + " parameter");
    }
  }

  @Test
  void missingOrBrokenFilesAreReported() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> Models.build(new ModelSpec("torchscript", null, 0, 0)));
    Path broken = tmp.resolve("broken.pt");
    byte[] all = Files.readAllBytes(Fixtures.path("tiny_backbone.pt"));
    Files.write(broken, Arrays.copyOf(all, all.length / 3));
    IOException e = assertThrows(IOException.class, () -> Models.build(new ModelSpec("torchscript", broken, 0, 0)));
    assertTrue(e.getMessage().contains("cannot load TorchScript module") && e.getMessage().contains("broken.pt"), e.getMessage());
  }
}
