package io.irkit.trainer.data;

/**
 * Detects JPEG and PNG files cut short. OpenCV's JPEG decoder fills a truncated scan with gray and still
 * returns an image, so the end markers are checked before decoding.
 */
final class Truncation {
  private static final int PNG_TAIL = 1024;

  private Truncation() {}

  static boolean isTruncated(byte[] b) {
    if (isJpeg(b)) return !jpegComplete(b);
    if (isPng(b)) return !pngComplete(b);
    return false;
  }

  private static boolean isJpeg(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
  }

  private static boolean isPng(byte[] b) {
    return b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
  }

  /**
   * An end-of-image marker (FF D9) must follow the last start-of-scan (FF DA). Entropy-coded data stuffs
   * every FF with 00, so neither marker can appear inside a scan; trailing bytes after EOI are allowed.
   */
  private static boolean jpegComplete(byte[] b) {
    int sos = -1;
    for (int i = b.length - 2; i >= 0; i--) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA) {
        sos = i;
        break;
      }
    }
    if (sos < 0) return true; // no scan at all: leave it to the decoder to reject
    for (int i = sos + 2; i + 1 < b.length; i++) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) return true;
    }
    return false;
  }

  /** The IEND chunk type must be among the last bytes. */
  private static boolean pngComplete(byte[] b) {
    for (int i = b.length - 4; i >= Math.max(8, b.length - PNG_TAIL); i--) {
      if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') return true;
    }
    return false;
  }
}
