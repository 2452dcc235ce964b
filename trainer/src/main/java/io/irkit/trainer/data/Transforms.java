package io.irkit.trainer.data;

import java.util.SplittableRandom;

/**
 * Image to normalized float CHW tensor data ([3, size, size], channels RGB).
 * Train: random resized crop, horizontal flip, color jitter, RandAugment (each as configured), normalize.
 * Eval: resize the shorter side to {@code resize}, center crop {@code size}, normalize.
 * All randomness comes from the caller's stream ({@link Rngs#forSample}), so the output is a pure
 * function of (image, config, seed, epoch, position). Thread-safe.
 */
public final class Transforms {
  private final TransformConfig config;
  private final RandomResizedCrop crop;
  private final ColorJitter jitter;
  private final RandAugment randAugment;
  private final float[] scale = new float[3], shift = new float[3];

  public Transforms(TransformConfig config) {
    this.config = config;
    this.crop = new RandomResizedCrop(config.size(), config.minScale(), config.maxScale(), config.minRatio(),
        config.maxRatio());
    this.jitter = new ColorJitter(config.brightness(), config.contrast(), config.saturation());
    this.randAugment = new RandAugment(config.randAugmentOps(), config.randAugmentMagnitude(), config.fill());
    float[] mean = config.mean(), std = config.std();
    for (int c = 0; c < 3; c++) { // (v/255 - mean)/std = v*scale + shift
      scale[c] = 1f / (255f * std[c]);
      shift[c] = -mean[c] / std[c];
    }
  }

  public TransformConfig config() {
    return config;
  }

  /** Floats per output image: 3 * size * size. */
  public int outputLength() {
    return 3 * config.size() * config.size();
  }

  public float[] train(RgbImage img, long seed, int epoch, long position) {
    return train(img, Rngs.forSample(seed, epoch, position));
  }

  public float[] train(RgbImage img, SplittableRandom rng) {
    img = crop.apply(img, rng);
    if (config.flip() && rng.nextBoolean()) img = ImageOps.flipHorizontal(img);
    if (jitter.enabled()) img = jitter.apply(img, rng);
    if (config.randAugmentOps() > 0) img = randAugment.apply(img, rng);
    return normalize(img);
  }

  public float[] eval(RgbImage img) {
    return normalize(ImageOps.centerCrop(ImageOps.resizeShorter(img, config.resize()), config.size()));
  }

  /** CHW floats of an image whose size is already size x size. */
  float[] normalize(RgbImage img) {
    int n = img.width() * img.height();
    byte[] p = img.pixels();
    float[] out = new float[3 * n];
    for (int c = 0; c < 3; c++) {
      float s = scale[c], b = shift[c];
      for (int i = 0; i < n; i++) out[c * n + i] = (p[i * 3 + c] & 0xFF) * s + b;
    }
    return out;
  }
}
