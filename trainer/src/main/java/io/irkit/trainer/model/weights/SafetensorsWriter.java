package io.irkit.trainer.model.weights;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** Writes tensors as a .safetensors file (readable by the Python safetensors package). */
public final class SafetensorsWriter {
  private SafetensorsWriter() {}

  /** Writes the tensors (any device, copied to CPU) in map order, with string metadata. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject m = new JsonObject();
      metadata.forEach(m::addProperty);
      header.add("__metadata__", m);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      JsonObject o = new JsonObject();
      o.addProperty("dtype", DType.of(t.scalar_type()).safetensorsName);
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) shape.add(d);
      o.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + t.nbytes());
      o.add("data_offsets", offsets);
      header.add(e.getKey(), o);
      offset += t.nbytes();
    }
    byte[] text = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 7) / 8 * 8; // keeps the data 8-byte aligned
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(text);
      for (int i = text.length; i < padded; i++) out.write(' ');
      for (Tensor t : tensors.values()) out.write(RawTensors.bytes(t));
    }
  }
}
