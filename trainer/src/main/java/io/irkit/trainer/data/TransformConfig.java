package io.irkit.trainer.data;

import java.util.Arrays;

/**
 * Settings of {@link Transforms}. Defaults: 224 crop, eval resize 256, torchvision's RandomResizedCrop
 * (scale 0.08-1, ratio 3/4-4/3), horizontal flip, no color jitter, no RandAugment, ImageNet mean/std.
 *
 * @param size side of the square output (train crop and eval center crop)
 * @param resize eval: the shorter side is resized to this before the center crop (>= size)
 * @param minScale smallest area fraction of the random resized crop
 * @param maxScale largest area fraction of the random resized crop
 * @param minRatio smallest aspect ratio (w/h) of the random resized crop
 * @param maxRatio largest aspect ratio (w/h) of the random resized crop
 * @param flip random horizontal flip with p = 0.5
 * @param brightness color jitter strength x: factor uniform in [max(0, 1-x), 1+x]; 0 = off
 * @param contrast color jitter strength, as brightness
 * @param saturation color jitter strength, as brightness
 * @param randAugmentOps RandAugment: ops applied per image; 0 = off
 * @param randAugmentMagnitude RandAugment magnitude, 0..30 (torchvision's 31 bins)
 * @param fill gray level of the area uncovered by RandAugment's rotate/shear/translate
 */
public record TransformConfig(int size, int resize, double minScale, double maxScale, double minRatio,
    double maxRatio, boolean flip, double brightness, double contrast, double saturation, int randAugmentOps,
    int randAugmentMagnitude, int fill, float[] mean, float[] std) {
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
  public static final int MAX_MAGNITUDE = 30;

  public TransformConfig {
    if (size <= 0 || resize < size) throw new IllegalArgumentException("need 0 < size <= resize, got " + size + ", " + resize);
    if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
      throw new IllegalArgumentException("need 0 < minScale <= maxScale <= 1, got " + minScale + ", " + maxScale);
    }
    if (!(minRatio > 0 && minRatio <= maxRatio)) {
      throw new IllegalArgumentException("need 0 < minRatio <= maxRatio, got " + minRatio + ", " + maxRatio);
    }
    if (brightness < 0 || contrast < 0 || saturation < 0) throw new IllegalArgumentException("negative color jitter");
    if (randAugmentOps < 0 || randAugmentMagnitude < 0 || randAugmentMagnitude > MAX_MAGNITUDE) {
      throw new IllegalArgumentException("RandAugment needs ops >= 0 and magnitude in 0.." + MAX_MAGNITUDE);
    }
    if (fill < 0 || fill > 255) throw new IllegalArgumentException("fill must be 0..255, got " + fill);
    if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values");
    mean = mean.clone();
    std = std.clone();
  }

  public static TransformConfig defaults() {
    return new TransformConfig(224, 256, 0.08, 1, 3.0 / 4, 4.0 / 3, true, 0, 0, 0, 0, 9, 0,
        IMAGENET_MEAN, IMAGENET_STD);
  }

  public TransformConfig withSize(int newSize, int newResize) {
    return new TransformConfig(newSize, newResize, minScale, maxScale, minRatio, maxRatio, flip, brightness,
        contrast, saturation, randAugmentOps, randAugmentMagnitude, fill, mean, std);
  }

  public TransformConfig withMinScale(double s) {
    return new TransformConfig(size, resize, s, maxScale, minRatio, maxRatio, flip, brightness, contrast,
        saturation, randAugmentOps, randAugmentMagnitude, fill, mean, std);
  }

  public TransformConfig withFlip(boolean f) {
    return new TransformConfig(size, resize, minScale, maxScale, minRatio, maxRatio, f, brightness, contrast,
        saturation, randAugmentOps, randAugmentMagnitude, fill, mean, std);
  }

  public TransformConfig withColorJitter(double b, double c, double s) {
    return new TransformConfig(size, resize, minScale, maxScale, minRatio, maxRatio, flip, b, c, s,
        randAugmentOps, randAugmentMagnitude, fill, mean, std);
  }

  public TransformConfig withRandAugment(int ops, int magnitude) {
    return new TransformConfig(size, resize, minScale, maxScale, minRatio, maxRatio, flip, brightness,
        contrast, saturation, ops, magnitude, fill, mean, std);
  }

  public TransformConfig withFill(int gray) {
    return new TransformConfig(size, resize, minScale, maxScale, minRatio, maxRatio, flip, brightness,
        contrast, saturation, randAugmentOps, randAugmentMagnitude, gray, mean, std);
  }

  public TransformConfig withNormalization(float[] m, float[] s) {
    return new TransformConfig(size, resize, minScale, maxScale, minRatio, maxRatio, flip, brightness,
        contrast, saturation, randAugmentOps, randAugmentMagnitude, fill, m, s);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransformConfig t && t.size == size && t.resize == resize && t.minScale == minScale
        && t.maxScale == maxScale && t.minRatio == minRatio && t.maxRatio == maxRatio && t.flip == flip
        && t.brightness == brightness && t.contrast == contrast && t.saturation == saturation
        && t.randAugmentOps == randAugmentOps && t.randAugmentMagnitude == randAugmentMagnitude && t.fill == fill
        && Arrays.equals(t.mean, mean) && Arrays.equals(t.std, std);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(size, resize, minScale, maxScale, minRatio, maxRatio, flip, brightness,
        contrast, saturation, randAugmentOps, randAugmentMagnitude, fill, Arrays.hashCode(mean),
        Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return "TransformConfig[size=" + size + ", resize=" + resize + ", scale=" + minScale + "-" + maxScale
        + ", ratio=" + minRatio + "-" + maxRatio + ", flip=" + flip + ", jitter=" + brightness + "/" + contrast
        + "/" + saturation + ", randAugment=" + randAugmentOps + "@" + randAugmentMagnitude + ", fill=" + fill
        + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
