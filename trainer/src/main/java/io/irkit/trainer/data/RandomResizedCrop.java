package io.irkit.trainer.data;

import java.util.SplittableRandom;

/** torchvision's RandomResizedCrop.get_params: the crop box, then resized to size x size. */
final class RandomResizedCrop {
  private final int size;
  private final double minScale, maxScale, logMinRatio, logMaxRatio, minRatio, maxRatio;

  RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio) {
    this.size = size;
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.minRatio = minRatio;
    this.maxRatio = maxRatio;
    this.logMinRatio = Math.log(minRatio);
    this.logMaxRatio = Math.log(maxRatio);
  }

  RgbImage apply(RgbImage img, SplittableRandom rng) {
    int[] box = box(img.width(), img.height(), rng);
    return ImageOps.resizeTo(ImageOps.crop(img, box[0], box[1], box[2], box[3]), size, size);
  }

  /** {x, y, w, h}: up to 10 tries at a random area and aspect ratio, then a central crop. */
  int[] box(int width, int height, SplittableRandom rng) {
    double area = (double) width * height;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (minScale + (maxScale - minScale) * rng.nextDouble());
      double ratio = Math.exp(logMinRatio + (logMaxRatio - logMinRatio) * rng.nextDouble());
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        int y = rng.nextInt(height - h + 1), x = rng.nextInt(width - w + 1);
        return new int[] {x, y, w, h};
      }
    }
    double inRatio = (double) width / height;
    int w = width, h = height;
    if (inRatio < minRatio) {
      h = Math.max(1, Math.min(height, (int) Math.round(w / minRatio)));
    } else if (inRatio > maxRatio) {
      w = Math.max(1, Math.min(width, (int) Math.round(h * maxRatio)));
    }
    return new int[] {(width - w) / 2, (height - h) / 2, w, h};
  }
}
