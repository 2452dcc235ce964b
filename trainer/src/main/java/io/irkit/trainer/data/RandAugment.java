package io.irkit.trainer.data;

import java.util.SplittableRandom;

/**
 * RandAugment as torchvision implements it (31 magnitude bins), without Sharpness: each of n ops is
 * picked uniformly from {@link Op}, at a fixed magnitude with a random sign where the op is signed.
 */
final class RandAugment {
  enum Op { IDENTITY, SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y, ROTATE, BRIGHTNESS, COLOR, CONTRAST,
    POSTERIZE, SOLARIZE, AUTOCONTRAST, EQUALIZE }

  private static final Op[] OPS = Op.values();

  private final int numOps;
  private final int magnitude;
  private final int fill;

  RandAugment(int numOps, int magnitude, int fill) {
    this.numOps = numOps;
    this.magnitude = magnitude;
    this.fill = fill;
  }

  RgbImage apply(RgbImage img, SplittableRandom rng) {
    for (int i = 0; i < numOps; i++) {
      Op op = OPS[rng.nextInt(OPS.length)];
      double sign = rng.nextBoolean() ? -1 : 1;
      img = apply(img, op, sign);
    }
    return img;
  }

  /** One op at this instance's magnitude; sign is +1 or -1 and ignored by the unsigned ops. */
  RgbImage apply(RgbImage img, Op op, double sign) {
    double t = magnitude / (double) TransformConfig.MAX_MAGNITUDE; // 0..1 along torchvision's linspace
    return switch (op) {
      case IDENTITY -> img;
      case SHEAR_X -> ImageOps.affine(img, new double[] {1, sign * 0.3 * t, 0, 0, 1, 0}, fill);
      case SHEAR_Y -> ImageOps.affine(img, new double[] {1, 0, 0, sign * 0.3 * t, 1, 0}, fill);
      case TRANSLATE_X -> ImageOps.affine(img, new double[] {1, 0, translate(img.width(), t, sign), 0, 1, 0}, fill);
      case TRANSLATE_Y -> ImageOps.affine(img, new double[] {1, 0, 0, 0, 1, translate(img.height(), t, sign)}, fill);
      case ROTATE -> ImageOps.affine(img, rotation(img, sign * 30 * t), fill);
      case BRIGHTNESS -> ColorOps.brightness(img, 1 + sign * 0.9 * t);
      case COLOR -> ColorOps.saturation(img, 1 + sign * 0.9 * t);
      case CONTRAST -> ColorOps.contrast(img, 1 + sign * 0.9 * t);
      case POSTERIZE -> ColorOps.posterize(img, 8 - (int) Math.round(magnitude / (TransformConfig.MAX_MAGNITUDE / 4.0)));
      case SOLARIZE -> ColorOps.solarize(img, 255 * (1 - t));
      case AUTOCONTRAST -> ColorOps.autocontrast(img);
      case EQUALIZE -> ColorOps.equalize(img);
    };
  }

  private static int translate(int extent, double t, double sign) {
    return (int) (sign * 150.0 / 331 * extent * t);
  }

  /** Counter-clockwise by `degrees` about the image center (cv::getRotationMatrix2D with scale 1). */
  private static double[] rotation(RgbImage img, double degrees) {
    double a = Math.toRadians(degrees), cos = Math.cos(a), sin = Math.sin(a);
    double cx = (img.width() - 1) * 0.5, cy = (img.height() - 1) * 0.5;
    return new double[] {cos, sin, (1 - cos) * cx - sin * cy, -sin, cos, sin * cx + (1 - cos) * cy};
  }
}
