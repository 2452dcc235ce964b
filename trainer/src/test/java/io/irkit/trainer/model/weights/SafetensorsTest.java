package io.irkit.trainer.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** .safetensors: every dtype round-trips through writer and reader; broken files fail clearly. */
class SafetensorsTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  @Test
  void everyDtypeRoundTrips() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    Tensor base = torch.randn(3, 5);
    for (DType t : DType.values()) in.put(t.safetensorsName, base.mul(new Scalar(7.0)).to(t.scalarType()));
    in.put("scalar", torch.ones(new long[0], new TensorOptions(ScalarType.Long)));
    in.put("empty", torch.zeros(new long[] {0, 4}, new TensorOptions(ScalarType.Float)));
    in.put("strided", base.t());
    Path f = tmp.resolve("all.safetensors");
    SafetensorsWriter.write(f, in, Map.of("note", "hi"));

    Map<String, Tensor> out = SafetensorsReader.read(f);
    assertEquals(in.keySet(), out.keySet());
    for (String k : in.keySet()) {
      assertEquals(in.get(k).scalar_type().value, out.get(k).scalar_type().value, k);
      assertArrayEquals(in.get(k).shape(), out.get(k).shape(), k);
      assertTrue(in.get(k).equal(out.get(k)), k);
    }
    assertEquals(Map.of("note", "hi"), SafetensorsReader.metadata(f));
    assertEquals(0, headerLength(f) % 8, "the data starts 8-byte aligned");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "short file       | 3                                                                   | too short",
      "huge header      | 1000000                                                             | header length 1000000 does not fit",
      "bad json         | {\"a\": {                                                           | not valid JSON",
      "unknown dtype    | {\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [1], \"data_offsets\": [0, 1]}} | dtype F8_E4M3",
      "past the end     | {\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}  | outside the 8 data bytes",
      "wrong byte count | {\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}   | 8 data bytes for shape [3]",
      "not an entry     | {\"a\": 5}                                                          | malformed header entry"})
  void brokenFilesAreIOExceptions(String what, String header, String expected) throws IOException {
    Path f = tmp.resolve("broken.safetensors");
    if (header.equals("3")) Files.write(f, new byte[3]);
    else if (header.equals("1000000")) Files.write(f, withHeaderLength(1_000_000, "{}"));
    else Files.write(f, withHeaderLength(header.length(), header + "\0\0\0\0\0\0\0\0"));
    IOException e = assertThrows(IOException.class, () -> SafetensorsReader.read(f));
    assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("broken.safetensors"), e.getMessage());
    assertThrows(IOException.class, () -> WeightFiles.read(f));
  }

  @Test
  void unknownFormatsAreNamed() throws IOException {
    Path f = tmp.resolve("weights.bin");
    Files.write(f, "hello, not weights".getBytes(StandardCharsets.US_ASCII));
    IOException e = assertThrows(IOException.class, () -> WeightFiles.read(f));
    assertTrue(e.getMessage().contains("neither a PyTorch zip checkpoint (torch.save) nor a safetensors file"), e.getMessage());
    assertThrows(java.nio.file.NoSuchFileException.class, () -> WeightFiles.read(tmp.resolve("absent.pth")));
  }

  private static byte[] withHeaderLength(long n, String rest) {
    byte[] text = rest.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(n).put(text);
    return b.array();
  }

  private static long headerLength(Path f) throws IOException {
    byte[] b = Arrays.copyOf(Files.readAllBytes(f), 8);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
