package io.irkit.trainer.model.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.irkit.kernels.TorchRuntime;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads .safetensors files: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}} and the raw
 * little-endian tensor data, offsets counted from the end of the header.
 */
public final class SafetensorsReader {
  private static final long MAX_HEADER = 100L << 20;

  private SafetensorsReader() {}

  /** Name to tensor (CPU, contiguous, the file's dtypes), in header order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    TorchRuntime.init();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = header(file, ch);
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : h.json.entrySet()) {
        if (e.getKey().equals("__metadata__")) continue;
        Entry t = entry(file, e.getKey(), e.getValue(), ch.size() - h.dataStart);
        byte[] bytes = new byte[(int) (t.end - t.begin)];
        readFully(ch, ByteBuffer.wrap(bytes), h.dataStart + t.begin, file);
        long[] strides = contiguousStrides(t.shape);
        try (Tensor storage = RawTensors.storage(bytes, t.type, ByteOrder.LITTLE_ENDIAN)) {
          out.put(e.getKey(), RawTensors.view(storage, t.shape, strides, 0, e.getKey()));
        }
      }
      return out;
    }
  }

  /** The string entries of the header's "__metadata__" (empty if there is none). */
  public static Map<String, String> metadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonElement m = header(file, ch).json.get("__metadata__");
      Map<String, String> out = new LinkedHashMap<>();
      if (m == null) return out;
      if (!m.isJsonObject()) throw new IOException(file + ": __metadata__ is not an object");
      for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet())
        if (e.getValue().isJsonPrimitive()) out.put(e.getKey(), e.getValue().getAsString());
      return out;
    }
  }

  /** True if the file starts like a safetensors file (a plausible header length, then '{'). */
  static boolean looksLikeSafetensors(byte[] head, long fileSize) {
    if (head.length < 9) return false;
    long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return n > 0 && n <= fileSize - 8 && head[8] == '{';
  }

  private record Header(JsonObject json, long dataStart) {}

  private record Entry(DType type, long[] shape, long begin, long end) {}

  private static Header header(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 8) throw new IOException(file + " is too short (" + size + " bytes) to be a safetensors file");
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, len, 0, file);
    long n = len.getLong(0);
    if (n <= 0 || n > MAX_HEADER || n > size - 8)
      throw new IOException(file + ": header length " + n + " does not fit a file of " + size + " bytes (not a safetensors file, or truncated)");
    byte[] text = new byte[(int) n];
    readFully(ch, ByteBuffer.wrap(text), 8, file);
    try {
      JsonElement json = JsonParser.parseString(new String(text, StandardCharsets.UTF_8));
      if (!json.isJsonObject()) throw new IOException(file + ": safetensors header is not a JSON object");
      return new Header(json.getAsJsonObject(), 8 + n);
    } catch (JsonParseException e) {
      throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Entry entry(Path file, String name, JsonElement v, long dataSize) throws IOException {
    String where = file + ": tensor '" + name + "'";
    try {
      JsonObject o = v.getAsJsonObject();
      String dtype = o.get("dtype").getAsString();
      DType type = DType.ofSafetensors(dtype);
      if (type == null) throw new IOException(where + " has dtype " + dtype + ", which irkit does not read");
      JsonArray s = o.get("shape").getAsJsonArray(), offsets = o.get("data_offsets").getAsJsonArray();
      long[] shape = new long[s.size()];
      long numel = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = s.get(i).getAsLong();
        if (shape[i] < 0) throw new IOException(where + " has a negative dimension: " + s);
        numel *= shape[i];
      }
      if (offsets.size() != 2) throw new IOException(where + ": data_offsets must be [begin, end], got " + offsets);
      long begin = offsets.get(0).getAsLong(), end = offsets.get(1).getAsLong();
      if (begin < 0 || end < begin || end > dataSize)
        throw new IOException(where + " has data_offsets [" + begin + ", " + end + "] outside the " + dataSize + " data bytes (truncated file?)");
      if (end - begin != numel * type.size)
        throw new IOException(where + ": " + (end - begin) + " data bytes for shape " + Arrays.toString(shape) + " of " + dtype
            + " (needs " + numel * type.size + ")");
      if (end - begin > Integer.MAX_VALUE - 8) throw new IOException(where + " is over 2 GB, which irkit does not read");
      return new Entry(type, shape, begin, end);
    } catch (NullPointerException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
      throw new IOException(where + " has a malformed header entry: " + v, e);
    }
  }

  static long[] contiguousStrides(long[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= Math.max(shape[i], 1);
    }
    return strides;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long at, Path file) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at + buf.position());
      if (n < 0) throw new EOFException(file + " ends early (truncated file?)");
    }
  }
}
