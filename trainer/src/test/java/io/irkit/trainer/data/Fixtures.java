package io.irkit.trainer.data;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Tiny generated images for the tests. */
final class Fixtures {
  private Fixtures() {}

  /** Writes pixels given in OpenCV's order (gray, BGR or BGRA, interleaved) with the file's extension's codec. */
  static Path write(Path file, int w, int h, int channels, byte[] pixels) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Mat m = new Mat(h, w, CV_8UC(channels))) {
      m.data().put(pixels, 0, pixels.length);
      if (!imwrite(file.toString(), m)) throw new IOException("imwrite failed for " + file);
    }
    return file;
  }

  static Path solid(Path file, int w, int h, int r, int g, int b) throws IOException {
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      px[i * 3] = (byte) b;
      px[i * 3 + 1] = (byte) g;
      px[i * 3 + 2] = (byte) r;
    }
    return write(file, w, h, 3, px);
  }

  /** Seeded noise, so crops and flips of it differ. */
  static Path noise(Path file, int w, int h, long seed) throws IOException {
    byte[] px = new byte[w * h * 3];
    new Random(seed).nextBytes(px);
    return write(file, w, h, 3, px);
  }

  static Path png16(Path file, int w, int h, int value16) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    short[] px = new short[w * h * 3];
    Arrays.fill(px, (short) value16);
    try (Mat m = new Mat(h, w, CV_16UC3); ShortPointer p = new ShortPointer(m.data())) {
      p.put(px, 0, px.length);
      if (!imwrite(file.toString(), m)) throw new IOException("imwrite failed for " + file);
    }
    return file;
  }

  /** A one-row 8-bit palette PNG: palette RGB triples, tRNS alpha per entry, one index per pixel. */
  static Path palettePng(Path file, byte[] palette, byte[] alpha, byte[] indices) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(indices.length).putInt(1).put((byte) 8).put((byte) 3)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(png, "IHDR", ihdr.array());
    chunk(png, "PLTE", palette);
    chunk(png, "tRNS", alpha);
    byte[] row = new byte[indices.length + 1]; // filter type 0, then the indices
    System.arraycopy(indices, 0, row, 1, indices.length);
    Deflater z = new Deflater();
    z.setInput(row);
    z.finish();
    byte[] buf = new byte[256];
    chunk(png, "IDAT", Arrays.copyOf(buf, z.deflate(buf)));
    chunk(png, "IEND", new byte[0]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** An ImageFolder root/cls&lt;i&gt;/img&lt;j&gt;.png of noise images. */
  static Path imageFolder(Path root, int classes, int perClass, int size) throws IOException {
    for (int c = 0; c < classes; c++) {
      for (int j = 0; j < perClass; j++) {
        noise(root.resolve(String.format("cls%02d/img%d.png", c, j)), size, size, c * 1000L + j);
      }
    }
    return root;
  }
}
