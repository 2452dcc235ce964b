package io.irkit.trainer.data;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes image files to {@link RgbImage} with OpenCV: any channel layout becomes RGB, alpha is
 * composited onto white (emoji PNGs are transparent), 16-bit is scaled to 8-bit. A missing, truncated or
 * corrupt file gives null and is counted in {@link #stats()}; in strict mode it throws
 * {@link ImageDecodeException} instead. Thread-safe.
 */
public final class ImageDecoder {
  private final boolean strict;
  private final DecodeStats stats;

  public ImageDecoder() {
    this(false, new DecodeStats());
  }

  public ImageDecoder(boolean strict, DecodeStats stats) {
    this.strict = strict;
    this.stats = stats;
  }

  public boolean strict() {
    return strict;
  }

  public DecodeStats stats() {
    return stats;
  }

  /** The image at path, or null (counted) when it cannot be read and the decoder is not strict. */
  public RgbImage decode(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return fail(DecodeStats.Failure.MISSING, path, "no such file");
    } catch (IOException e) {
      return fail(DecodeStats.Failure.MISSING, path, "cannot be read: " + e);
    }
    if (Truncation.isTruncated(bytes)) {
      return fail(DecodeStats.Failure.TRUNCATED, path, "the file ends before its image data does");
    }
    RgbImage img = decodeBytes(bytes);
    return img != null ? img : fail(DecodeStats.Failure.CORRUPT, path, "OpenCV cannot decode it");
  }

  /** Decodes an encoded image held in memory; null when OpenCV cannot. Does not count anything. */
  public static RgbImage decodeBytes(byte[] bytes) {
    if (bytes.length == 0) return null;
    try (BytePointer data = new BytePointer(bytes);
         Mat buf = new Mat(1, bytes.length, CV_8UC1, data);
         Mat m = imdecode(buf, IMREAD_UNCHANGED)) {
      if (m == null || m.empty()) return null;
      return toRgb(m);
    } catch (RuntimeException e) { // cv::Exception from a decoder that gave up
      return null;
    }
  }

  private static RgbImage toRgb(Mat m) {
    int channels = m.channels(), w = m.cols(), h = m.rows();
    byte[] raw = new byte[w * h * channels];
    if (m.depth() == CV_8U) {
      read(m, raw);
    } else if (m.depth() == CV_16U) {
      try (Mat m8 = new Mat()) {
        m.convertTo(m8, CV_8U, 1.0 / 257, 0);
        read(m8, raw);
      }
    } else {
      return null;
    }
    return new RgbImage(w, h, Pixels.toRgbOnWhite(raw, w * h, channels));
  }

  private static void read(Mat m, byte[] out) {
    if (m.isContinuous()) {
      m.data().get(out, 0, out.length);
    } else {
      try (Mat c = m.clone()) {
        c.data().get(out, 0, out.length);
      }
    }
  }

  private RgbImage fail(DecodeStats.Failure failure, Path path, String message) {
    if (strict) throw new ImageDecodeException(path, failure, message);
    stats.record(failure, path, message);
    return null;
  }
}
