package io.irkit.trainer.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Geometric operations on {@link RgbImage}; resampling is done by OpenCV. */
final class ImageOps {
  private ImageOps() {}

  static RgbImage crop(RgbImage img, int x, int y, int w, int h) {
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > img.width() || y + h > img.height()) {
      throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " outside "
          + img.width() + "x" + img.height());
    }
    byte[] out = new byte[w * h * 3];
    for (int r = 0; r < h; r++) {
      System.arraycopy(img.pixels(), ((y + r) * img.width() + x) * 3, out, r * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }

  /** Area averaging when shrinking (it anti-aliases, as torchvision's resize does), bilinear otherwise. */
  static RgbImage resizeTo(RgbImage img, int w, int h) {
    if (w == img.width() && h == img.height()) return img;
    int interp = w <= img.width() && h <= img.height() ? INTER_AREA : INTER_LINEAR;
    try (Mat src = toMat(img); Mat dst = new Mat(); Size size = new Size(w, h)) {
      resize(src, dst, size, 0, 0, interp);
      return fromMat(dst, w, h);
    }
  }

  /** The shorter side becomes `shorter`, the longer one keeps the aspect ratio (torchvision Resize(int)). */
  static RgbImage resizeShorter(RgbImage img, int shorter) {
    int w = img.width(), h = img.height();
    if (w <= h) return resizeTo(img, shorter, Math.max(1, (int) ((long) shorter * h / w)));
    return resizeTo(img, Math.max(1, (int) ((long) shorter * w / h)), shorter);
  }

  static RgbImage centerCrop(RgbImage img, int size) {
    int x = (int) Math.round((img.width() - size) / 2.0), y = (int) Math.round((img.height() - size) / 2.0);
    return crop(img, x, y, size, size);
  }

  static RgbImage flipHorizontal(RgbImage img) {
    int w = img.width(), h = img.height();
    byte[] src = img.pixels(), out = new byte[src.length];
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      for (int x = 0, d = row + (w - 1) * 3; x < w; x++, d -= 3) { // 3-byte copies: a loop beats arraycopy calls
        int s = row + x * 3;
        out[d] = src[s];
        out[d + 1] = src[s + 1];
        out[d + 2] = src[s + 2];
      }
    }
    return new RgbImage(w, h, out);
  }

  /**
   * Output pixel p takes the input at M^-1 p, where M = [[a, b, c], [d, e, f]] maps input to output
   * coordinates; nearest neighbour, uncovered area = fill.
   */
  static RgbImage affine(RgbImage img, double[] m, int fill) {
    try (Mat src = toMat(img); Mat dst = new Mat(); DoublePointer p = new DoublePointer(m);
         Mat mat = new Mat(2, 3, CV_64FC1, p); Size size = new Size(img.width(), img.height());
         Scalar border = new Scalar(fill, fill, fill, 0)) {
      warpAffine(src, dst, mat, size, INTER_NEAREST, BORDER_CONSTANT, border);
      return fromMat(dst, img.width(), img.height());
    }
  }

  private static Mat toMat(RgbImage img) {
    Mat m = new Mat(img.height(), img.width(), CV_8UC3);
    m.data().put(img.pixels(), 0, img.pixels().length);
    return m;
  }

  private static RgbImage fromMat(Mat m, int w, int h) {
    byte[] out = new byte[w * h * 3];
    m.data().get(out, 0, out.length);
    return new RgbImage(w, h, out);
  }
}
