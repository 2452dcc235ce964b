package io.irkit.trainer.data;

import java.util.SplittableRandom;

/** torchvision ColorJitter without hue: brightness, contrast and saturation in a random order. */
final class ColorJitter {
  private final double brightness, contrast, saturation;

  ColorJitter(double brightness, double contrast, double saturation) {
    this.brightness = brightness;
    this.contrast = contrast;
    this.saturation = saturation;
  }

  boolean enabled() {
    return brightness > 0 || contrast > 0 || saturation > 0;
  }

  RgbImage apply(RgbImage img, SplittableRandom rng) {
    int[] order = {0, 1, 2};
    for (int i = 2; i > 0; i--) {
      int j = rng.nextInt(i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    double fb = factor(rng, brightness), fc = factor(rng, contrast), fs = factor(rng, saturation);
    for (int op : order) {
      img = switch (op) {
        case 0 -> brightness > 0 ? ColorOps.brightness(img, fb) : img;
        case 1 -> contrast > 0 ? ColorOps.contrast(img, fc) : img;
        default -> saturation > 0 ? ColorOps.saturation(img, fs) : img;
      };
    }
    return img;
  }

  /** Uniform in [max(0, 1-x), 1+x]; drawn even when x = 0 so that the random stream does not depend on x. */
  private static double factor(SplittableRandom rng, double x) {
    double lo = Math.max(0, 1 - x), hi = 1 + x;
    return lo + (hi - lo) * rng.nextDouble();
  }
}
