package io.irkit.trainer.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import io.irkit.trainer.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretrained backbone weights load by PyTorch name, strictly; every mismatch is named. */
class PretrainedWeightsTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  /** The backbone state dict of a seeded smallcnn, edited, as a .safetensors file. */
  private Path smallCnnWeights(Consumer<Map<String, Tensor>> edit) throws IOException {
    Map<String, Tensor> sd = new LinkedHashMap<>();
    try (EmbeddingModel m = Models.build(new ModelSpec("smallcnn", null, 0, 42))) {
      ((EmbeddingNet) m).stateDict().forEach((k, v) -> sd.put(k.substring("backbone.".length()), v.clone()));
    }
    edit.accept(sd);
    Path f = tmp.resolve("weights.safetensors");
    SafetensorsWriter.write(f, sd, Map.of());
    return f;
  }

  @Test
  void matchingWeightsLoadAndFcIsIgnored() throws IOException {
    Path f = smallCnnWeights(sd -> sd.put("fc.weight", torch.randn(1000, 128)));
    try (EmbeddingModel a = Models.build(new ModelSpec("smallcnn", null, 0, 42));
        EmbeddingModel b = Models.build(new ModelSpec("smallcnn", f, 0, 7));
        EmbeddingModel c = Models.build(new ModelSpec("smallcnn", null, 0, 7))) {
      assertTrue(a.parameters().get(0).equal(b.parameters().get(0)));
      assertFalse(c.parameters().get(0).equal(b.parameters().get(0)));
    }
  }

  @Test
  void aWrongShapeNamesTheKey() throws IOException {
    Path f = smallCnnWeights(sd -> sd.put("block2.conv.weight", torch.zeros(64, 32, 5, 5)));
    IOException e = assertThrows(IOException.class, () -> Models.build(new ModelSpec("smallcnn", f, 0, 0)));
    assertTrue(e.getMessage().contains("'block2.conv.weight' is [64, 32, 5, 5] in the file but [64, 32, 3, 3] in the model"), e.getMessage());
  }

  @Test
  void missingAndUnexpectedKeysAreListed() throws IOException {
    Path f = smallCnnWeights(sd -> {
      sd.remove("block3.bn.running_var");
      sd.put("block4.conv.weight", torch.zeros(1));
    });
    IOException e = assertThrows(IOException.class, () -> Models.build(new ModelSpec("smallcnn", f, 0, 0)));
    assertTrue(e.getMessage().contains("1 missing key: block3.bn.running_var"), e.getMessage());
    assertTrue(e.getMessage().contains("1 unexpected key: block4.conv.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("weights.safetensors"), e.getMessage());
  }

  @Test
  void resnetWeightsMustFitTheArch() {
    IOException e = assertThrows(IOException.class,
        () -> Models.build(new ModelSpec("smallcnn", Fixtures.path("resnet18.safetensors"), 0, 0)));
    assertTrue(e.getMessage().contains("missing keys: block1.conv.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected keys: conv1.weight"), e.getMessage());
  }
}
