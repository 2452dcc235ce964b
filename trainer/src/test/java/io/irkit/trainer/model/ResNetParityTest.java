package io.irkit.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java ResNet-18 reproduces torchvision's pooled features from the same state dict, in both file formats. */
class ResNetParityTest {
  private static final double TOLERANCE = 1e-4;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet18_state_dict.pth", "resnet18.safetensors"})
  void pooledFeaturesMatchTorchvision(String weights) throws IOException {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
        EmbeddingModel model = Models.build(new ModelSpec("resnet18", Fixtures.path(weights), 0, 1))) {
      model.train(false);
      Tensor input = Fixtures.npy("resnet18_input.npy");
      Tensor expected = Fixtures.npy("resnet18_features.npy");
      Tensor features = ((EmbeddingNet) model).features(input);
      assertArrayEquals(expected.shape(), features.shape());
      double diff = Fixtures.maxAbsDiff(expected, features);
      assertTrue(diff <= TOLERANCE, "max |java - python| = " + diff + " with " + weights);
      // the embedding is the same feature, L2-normalized
      Tensor norms = expected.norm(new ScalarOptional(new Scalar(2.0)), new long[] {1}, true);
      assertTrue(Fixtures.maxAbsDiff(expected.div(norms), model.forward(input)) <= TOLERANCE);
      assertEquals(512, model.embeddingDim());
    }
  }
}
