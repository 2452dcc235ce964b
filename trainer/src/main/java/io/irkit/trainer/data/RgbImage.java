package io.irkit.trainer.data;

/** An 8-bit RGB image, pixels row-major and interleaved (HWC): pixel (y, x) channel c is at (y*width+x)*3+c. */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0 || pixels.length != width * height * 3) {
      throw new IllegalArgumentException("bad image " + width + "x" + height + " with " + pixels.length + " bytes");
    }
  }

  /** The value of pixel (x, y) channel c, 0..255. */
  public int get(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xFF;
  }
}
