package io.irkit.trainer.data;

/** Channel-layout conversions of OpenCV's interleaved pixels (gray, gray+alpha, BGR, BGRA) to RGB. */
final class Pixels {
  private Pixels() {}

  /** RGB from n pixels of the given channel count; an alpha channel is composited onto white. */
  static byte[] toRgbOnWhite(byte[] src, int n, int channels) {
    byte[] out = new byte[n * 3];
    for (int i = 0; i < n; i++) {
      int s = i * channels, d = i * 3;
      switch (channels) {
        case 1 -> out[d] = out[d + 1] = out[d + 2] = src[s];
        case 2 -> out[d] = out[d + 1] = out[d + 2] = onWhite(src[s], src[s + 1]);
        case 3 -> {
          out[d] = src[s + 2];
          out[d + 1] = src[s + 1];
          out[d + 2] = src[s];
        }
        case 4 -> {
          out[d] = onWhite(src[s + 2], src[s + 3]);
          out[d + 1] = onWhite(src[s + 1], src[s + 3]);
          out[d + 2] = onWhite(src[s], src[s + 3]);
        }
        default -> throw new IllegalArgumentException("unsupported channel count " + channels);
      }
    }
    return out;
  }

  /** c*a + 255*(1-a) with a = alpha/255, rounded. */
  private static byte onWhite(byte c, byte alpha) {
    int a = alpha & 0xFF;
    return (byte) (((c & 0xFF) * a + 255 * (255 - a) + 127) / 255);
  }
}
