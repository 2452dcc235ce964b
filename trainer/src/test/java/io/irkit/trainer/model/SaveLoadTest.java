package io.irkit.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** save() then load() restores every parameter and buffer bit for bit; bad files are refused. */
class SaveLoadTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  private static ModelSpec spec(String arch, int dim, long seed) {
    return new ModelSpec(arch, arch.equals("torchscript") ? Fixtures.path("tiny_backbone.pt") : null, dim, seed);
  }

  /** A model whose weights and BN statistics moved away from their initial values. */
  private static EmbeddingModel trained(String arch) throws IOException {
    EmbeddingModel m = Models.build(spec(arch, 12, 1));
    m.forward(ModelsTest.images(4, 32, 3)); // train mode: updates running stats and num_batches_tracked
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor p : m.parameters()) p.add_(p.abs().mul(new Scalar(0.5)));
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"smallcnn", "torchscript"})
  void roundTripIsExact(String arch) throws IOException {
    Path file = tmp.resolve("model.safetensors");
    try (EmbeddingModel a = trained(arch); EmbeddingModel b = Models.build(spec(arch, 12, 2))) {
      a.save(file);
      Map<String, Tensor> sa = ((EmbeddingNet) a).stateDict(), sb = ((EmbeddingNet) b).stateDict();
      assertTrue(sa.keySet().stream().anyMatch(k -> k.endsWith("num_batches_tracked")), sa.keySet().toString());
      assertFalse(sa.get("head.weight").equal(sb.get("head.weight")));
      b.load(file);
      assertEquals(sa.keySet(), sb.keySet());
      for (String k : sa.keySet()) assertTrue(sa.get(k).equal(sb.get(k)), k + " differs after load");
      a.train(false);
      b.train(false);
      Tensor x = ModelsTest.images(2, 32, 9);
      assertTrue(a.forward(x).equal(b.forward(x)));
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(file), files.toList(), "save must leave no temp file behind");
    }
  }

  @Test
  void saveReplacesAnExistingFile() throws IOException {
    Path file = tmp.resolve("model.safetensors");
    Files.writeString(file, "old contents");
    try (EmbeddingModel a = trained("smallcnn"); EmbeddingModel b = Models.build(spec("smallcnn", 12, 2))) {
      a.save(file);
      b.load(file);
      assertTrue(a.parameters().get(0).equal(b.parameters().get(0)));
    }
  }

  @Test
  void loadRefusesAnotherModel() throws IOException {
    Path file = tmp.resolve("model.safetensors");
    try (EmbeddingModel a = Models.build(spec("smallcnn", 12, 1))) {
      a.save(file);
    }
    try (EmbeddingModel other = Models.build(spec("smallcnn", 8, 1))) {
      IOException e = assertThrows(IOException.class, () -> other.load(file));
      assertTrue(e.getMessage().contains("embedding dim 12, this model has 8"), e.getMessage());
    }
    try (EmbeddingModel other = Models.build(spec("torchscript", 12, 1))) {
      IOException e = assertThrows(IOException.class, () -> other.load(file));
      assertTrue(e.getMessage().contains("holds a smallcnn model, this model is torchscript"), e.getMessage());
    }
  }

  @Test
  void loadOfATruncatedFileIsAnIOException() throws IOException {
    Path file = tmp.resolve("model.safetensors"), cut = tmp.resolve("cut.safetensors");
    try (EmbeddingModel a = Models.build(spec("smallcnn", 12, 1))) {
      a.save(file);
      byte[] all = Files.readAllBytes(file);
      Files.write(cut, Arrays.copyOf(all, all.length - 100));
      IOException e = assertThrows(IOException.class, () -> a.load(cut));
      assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
    }
  }
}
