package io.irkit.trainer.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import io.irkit.trainer.model.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torch.save zip checkpoints: views, dtypes, agreement with safetensors, and broken files. */
class TorchCheckpointReaderTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  @Test
  void readsViewsOffsetsStridesAndDtypes() throws IOException {
    Map<String, Tensor> d = TorchCheckpointReader.read(Fixtures.path("storage_views.pth"));
    assertEquals("[base, rows, transposed, column, long, double, half, scalar]", d.keySet().toString());
    float[] base = new float[24];
    for (int i = 0; i < 24; i++) base[i] = i;
    assertArrayEquals(base, Fixtures.values(d.get("base")));
    assertArrayEquals(new long[] {2, 6}, d.get("rows").shape());
    assertArrayEquals(Arrays.copyOfRange(base, 6, 18), Fixtures.values(d.get("rows")));
    assertArrayEquals(new long[] {6, 4}, d.get("transposed").shape());
    float[] t = Fixtures.values(d.get("transposed"));
    for (int r = 0; r < 6; r++)
      for (int c = 0; c < 4; c++) assertEquals(base[c * 6 + r], t[r * 4 + c]);
    assertArrayEquals(new float[] {2, 8, 14, 20}, Fixtures.values(d.get("column")));

    Tensor longs = d.get("long");
    assertEquals(ScalarType.Long.value, longs.scalar_type().value);
    for (int i = 0; i < 5; i++) assertEquals(i * 1_000_000_000_000L, longs.select(0, i).item_long());
    assertEquals(ScalarType.Double.value, d.get("double").scalar_type().value);
    assertEquals(-1.25, d.get("double").select(0, 1).item_double());
    assertEquals(ScalarType.Half.value, d.get("half").scalar_type().value);
    assertArrayEquals(new float[] {1.5f, -2f, 65504f}, Fixtures.values(d.get("half").to(ScalarType.Float)));
    assertEquals(0, d.get("scalar").dim());
    assertEquals(7, d.get("scalar").item_long());
  }

  @Test
  void agreesWithTheSafetensorsCopy() throws IOException {
    Map<String, Tensor> pth = TorchCheckpointReader.read(Fixtures.path("resnet18_state_dict.pth"));
    Map<String, Tensor> st = SafetensorsReader.read(Fixtures.path("resnet18.safetensors"));
    assertEquals(122, pth.size()); // 20 convs, 20 BN x 5, fc.weight, fc.bias
    assertEquals(pth.keySet(), st.keySet());
    for (String k : pth.keySet()) {
      Tensor a = pth.get(k), b = st.get(k).to(a.scalar_type());
      assertTrue(a.equal(b), k);
    }
    assertEquals(ScalarType.Float.value, pth.get("layer1.0.conv1.weight").scalar_type().value);
    assertEquals(ScalarType.BFloat16.value, st.get("layer1.0.conv1.weight").scalar_type().value);
    assertEquals(ScalarType.Long.value, pth.get("bn1.num_batches_tracked").scalar_type().value);
  }

  @Test
  void truncatedFileIsAnIOException() throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.path("storage_views.pth"));
    Path cut = tmp.resolve("cut.pth");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    IOException e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(cut));
    assertTrue(e.getMessage().contains("cut.pth"), e.getMessage());
  }

  @Test
  void missingStorageIsNamed() throws IOException {
    Path f = rewrite("nostorage.pth", (name, bytes) -> name.endsWith("data/1") ? null : bytes);
    IOException e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(f));
    assertTrue(e.getMessage().contains("lacks storage storage_views/data/1"), e.getMessage());
  }

  @Test
  void shortStorageIsNamed() throws IOException {
    Path f = rewrite("short.pth", (name, bytes) -> name.endsWith("data/0") ? Arrays.copyOf(bytes, 40) : bytes);
    IOException e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(f));
    assertTrue(e.getMessage().contains("storage data/0 has 40 bytes, the pickle needs 96"), e.getMessage());
  }

  @Test
  void corruptPickleIsAnIOException() throws IOException {
    Path f = rewrite("garbage.pth", (name, bytes) -> name.endsWith("data.pkl") ? Arrays.copyOf(bytes, 100) : bytes);
    IOException e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(f));
    assertTrue(e.getMessage().contains("pickle data ends unexpectedly"), e.getMessage());
  }

  @Test
  void somethingElseThanAStateDictIsRefused() throws IOException {
    byte[] list = {(byte) 0x80, 2, ']', '.'};
    Path f = rewrite("list.pth", (name, bytes) -> name.endsWith("data.pkl") ? list : bytes);
    IOException e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(f));
    assertTrue(e.getMessage().contains("not a state dict"), e.getMessage());

    byte[] call = "\u0080\u0002cbuiltins\neval\n)R.".getBytes(StandardCharsets.ISO_8859_1);
    Path g = rewrite("call.pth", (name, bytes) -> name.endsWith("data.pkl") ? call : bytes);
    e = assertThrows(IOException.class, () -> TorchCheckpointReader.read(g));
    assertTrue(e.getMessage().contains("unsupported object builtins.eval"), e.getMessage());
  }

  /** storage_views.pth with each entry's bytes passed through edit (null drops the entry). */
  private Path rewrite(String name, BiFunction<String, byte[], byte[]> edit) throws IOException {
    Path out = tmp.resolve(name);
    try (ZipFile in = new ZipFile(Fixtures.path("storage_views.pth").toFile());
        OutputStream os = Files.newOutputStream(out); ZipOutputStream zos = new ZipOutputStream(os)) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes;
        try (InputStream is = in.getInputStream(e)) {
          bytes = edit.apply(e.getName(), is.readAllBytes());
        }
        if (bytes == null) continue;
        zos.putNextEntry(new ZipEntry(e.getName()));
        zos.write(bytes);
        zos.closeEntry();
      }
    }
    return out;
  }
}
