package io.irkit.trainer.data;

/** Per-pixel color operations on {@link RgbImage}, following PIL's ImageEnhance and ImageOps. */
final class ColorOps {
  private ColorOps() {}

  /** Image * factor. */
  static RgbImage brightness(RgbImage img, double factor) {
    byte[] p = img.pixels(), out = new byte[p.length];
    for (int i = 0; i < p.length; i++) out[i] = clamp((p[i] & 0xFF) * factor);
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Blend with the mean gray level: mean + factor * (image - mean). */
  static RgbImage contrast(RgbImage img, double factor) {
    byte[] p = img.pixels(), out = new byte[p.length];
    long sum = 0;
    for (int i = 0; i < p.length; i += 3) sum += gray(p, i);
    int mean = (int) (sum / (double) (p.length / 3) + 0.5);
    for (int i = 0; i < p.length; i++) out[i] = clamp(mean + factor * ((p[i] & 0xFF) - mean));
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Blend with the pixel's own gray level: factor 0 is grayscale, 1 the image. */
  static RgbImage saturation(RgbImage img, double factor) {
    byte[] p = img.pixels(), out = new byte[p.length];
    for (int i = 0; i < p.length; i += 3) {
      int g = gray(p, i);
      for (int c = 0; c < 3; c++) out[i + c] = clamp(g + factor * ((p[i + c] & 0xFF) - g));
    }
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Keeps the top `bits` bits of each channel. */
  static RgbImage posterize(RgbImage img, int bits) {
    int mask = (0xFF << (8 - bits)) & 0xFF;
    byte[] p = img.pixels(), out = new byte[p.length];
    for (int i = 0; i < p.length; i++) out[i] = (byte) (p[i] & mask);
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Inverts every value >= threshold. */
  static RgbImage solarize(RgbImage img, double threshold) {
    byte[] p = img.pixels(), out = new byte[p.length];
    for (int i = 0; i < p.length; i++) {
      int v = p[i] & 0xFF;
      out[i] = (byte) (v >= threshold ? 255 - v : v);
    }
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Stretches each channel to 0..255. */
  static RgbImage autocontrast(RgbImage img) {
    byte[] p = img.pixels(), out = p.clone();
    for (int c = 0; c < 3; c++) {
      int lo = 255, hi = 0;
      for (int i = c; i < p.length; i += 3) {
        lo = Math.min(lo, p[i] & 0xFF);
        hi = Math.max(hi, p[i] & 0xFF);
      }
      if (hi <= lo) continue;
      for (int i = c; i < p.length; i += 3) out[i] = (byte) (((p[i] & 0xFF) - lo) * 255 / (hi - lo));
    }
    return new RgbImage(img.width(), img.height(), out);
  }

  /** Histogram equalization of each channel (PIL ImageOps.equalize). */
  static RgbImage equalize(RgbImage img) {
    byte[] p = img.pixels(), out = p.clone();
    for (int c = 0; c < 3; c++) {
      int[] hist = new int[256];
      for (int i = c; i < p.length; i += 3) hist[p[i] & 0xFF]++;
      int last = 255;
      while (hist[last] == 0) last--;
      int step = (p.length / 3 - hist[last]) / 255;
      if (step == 0) continue;
      int[] lut = new int[256];
      int n = step / 2;
      for (int v = 0; v < 256; v++) {
        lut[v] = Math.min(255, n / step);
        n += hist[v];
      }
      for (int i = c; i < p.length; i += 3) out[i] = (byte) lut[p[i] & 0xFF];
    }
    return new RgbImage(img.width(), img.height(), out);
  }

  /** ITU-R 601 luma as PIL's convert("L") computes it. */
  private static int gray(byte[] p, int i) {
    return ((p[i] & 0xFF) * 19595 + (p[i + 1] & 0xFF) * 38470 + (p[i + 2] & 0xFF) * 7471 + 0x8000) >> 16;
  }

  private static byte clamp(double v) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
  }
}
