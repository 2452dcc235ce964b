package io.irkit.trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes numpy .npy files (format 1.0, little-endian, C order) for FAISS and numpy users. */
final class Npy {
  private Npy() {}

  static void write(Path file, float[] data, long... shape) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    write(file, "<f4", b.array(), shape);
  }

  static void write(Path file, long[] data, long... shape) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    write(file, "<i8", b.array(), shape);
  }

  private static void write(Path file, String dtype, byte[] payload, long... shape) throws IOException {
    String dims = java.util.Arrays.stream(shape).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(", "));
    if (shape.length == 1) dims += ",";
    String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    String padded = header + " ".repeat(pad) + "\n";
    AtomicFiles.write(file, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = padded.length();
        out.write(new byte[] {(byte) (len & 0xff), (byte) (len >> 8)});
        out.write(padded.getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
      }
    });
  }
}
