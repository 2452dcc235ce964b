package io.irkit.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TransformsTest {
  private static final TransformConfig SMALL = TransformConfig.defaults().withSize(16, 20);
  private static final TransformConfig HEAVY =
      SMALL.withColorJitter(0.4, 0.4, 0.4).withRandAugment(2, 9).withMinScale(0.2);

  static RgbImage noise(int w, int h, long seed) {
    byte[] px = new byte[w * h * 3];
    new Random(seed).nextBytes(px);
    return new RgbImage(w, h, px);
  }

  static RgbImage solid(int w, int h, int r, int g, int b) {
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      px[i * 3] = (byte) r;
      px[i * 3 + 1] = (byte) g;
      px[i * 3 + 2] = (byte) b;
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void trainIsAFunctionOfSeedEpochAndPosition() {
    Transforms t = new Transforms(HEAVY);
    RgbImage img = noise(40, 30, 1);
    float[] a = t.train(img, 7, 2, 5);
    assertEquals(3 * 16 * 16, a.length);
    assertArrayEquals(a, t.train(img, 7, 2, 5));
    assertFalse(Arrays.equals(a, t.train(img, 7, 2, 6)), "position");
    assertFalse(Arrays.equals(a, t.train(img, 7, 3, 5)), "epoch");
    assertFalse(Arrays.equals(a, t.train(img, 8, 2, 5)), "seed");
  }

  @Test
  void outputDoesNotDependOnThreads() throws Exception {
    Transforms t = new Transforms(HEAVY);
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < 24; i++) images.add(noise(24 + i, 40 - i, i));
    List<float[]> serial = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) serial.add(t.train(images.get(i), 3, 1, i));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> parallel = new ArrayList<>();
      for (int i = images.size() - 1; i >= 0; i--) { // reversed submission order on purpose
        int pos = i;
        parallel.add(0, pool.submit(() -> t.train(images.get(pos), 3, 1, pos)));
      }
      for (int i = 0; i < images.size(); i++) assertArrayEquals(serial.get(i), parallel.get(i).get(), "image " + i);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evalResizesShorterSideAndCropsTheCenter() {
    // left half red, right half blue; 40x20 -> 40x20 at shorter side 20 -> center 16x16: cols 12..27
    RgbImage img = solid(40, 20, 255, 0, 0);
    for (int y = 0; y < 20; y++) {
      for (int x = 20; x < 40; x++) {
        img.pixels()[(y * 40 + x) * 3] = 0;
        img.pixels()[(y * 40 + x) * 3 + 2] = (byte) 255;
      }
    }
    float[] out = new Transforms(TransformConfig.defaults().withSize(16, 20)).eval(img);
    int n = 16 * 16;
    float red = (1 - 0.485f) / 0.229f, noRed = -0.485f / 0.229f;
    assertEquals(red, out[0], 1e-5); // channel R, row 0, col 0 -> source col 12
    assertEquals(noRed, out[15], 1e-5); // col 15 -> source col 27
    assertEquals((1 - 0.406f) / 0.225f, out[2 * n + 15], 1e-5); // channel B
    assertEquals(red, out[7], 1e-5); // source col 19
    assertEquals(noRed, out[8], 1e-5); // source col 20
  }

  @Test
  void normalizationUsesImageNetMeanAndStd() {
    float[] out = new Transforms(SMALL).eval(solid(20, 20, 255, 128, 0));
    assertEquals((1 - 0.485f) / 0.229f, out[0], 1e-5);
    assertEquals((128 / 255f - 0.456f) / 0.224f, out[16 * 16], 1e-5);
    assertEquals(-0.406f / 0.225f, out[2 * 16 * 16], 1e-5);
  }

  @Test
  void cropBoxesStayInsideAndRespectTheScaleRange() {
    RandomResizedCrop rrc = new RandomResizedCrop(8, 0.5, 1, 3.0 / 4, 4.0 / 3);
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      int w = 10 + rng.nextInt(90), h = 10 + rng.nextInt(90);
      int[] b = rrc.box(w, h, rng);
      assertTrue(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= w && b[1] + b[3] <= h, Arrays.toString(b));
      double area = (double) b[2] * b[3] / (w * h);
      assertTrue(area <= 1 + 1e-9, "area " + area);
      // rounding w and h can shave a little off the drawn area, or the fallback takes the central crop
      assertTrue(area >= 0.5 * 0.75 || b[2] == w || b[3] == h, "area " + area + " " + Arrays.toString(b));
    }
  }

  @Test
  void minScaleIsConfigurable() {
    RgbImage img = noise(64, 64, 4);
    double smallest = Double.MAX_VALUE;
    RandomResizedCrop wide = new RandomResizedCrop(8, 0.08, 1, 3.0 / 4, 4.0 / 3);
    RandomResizedCrop tight = new RandomResizedCrop(8, 0.9, 1, 3.0 / 4, 4.0 / 3);
    for (int i = 0; i < 200; i++) {
      int[] a = wide.box(64, 64, new SplittableRandom(i)), b = tight.box(64, 64, new SplittableRandom(i));
      smallest = Math.min(smallest, a[2] * a[3] / 4096.0);
      assertTrue(b[2] * b[3] / 4096.0 > 0.8, Arrays.toString(b));
    }
    assertTrue(smallest < 0.2, "min scale 0.08 should give small crops, smallest " + smallest);
    assertEquals(3 * 8 * 8, new Transforms(SMALL.withSize(8, 8).withMinScale(0.9)).train(img, 0, 0, 0).length);
  }

  @Test
  void flipMirrorsTheCrop() {
    RgbImage img = noise(16, 16, 3);
    TransformConfig full = SMALL.withSize(16, 16).withMinScale(1); // the crop is the whole image
    float[] noFlip = new Transforms(full.withFlip(false)).train(img, 0, 0, 0);
    assertArrayEquals(new Transforms(SMALL.withSize(16, 16)).eval(img), noFlip);
    boolean sawFlip = false;
    for (int pos = 0; pos < 10; pos++) {
      float[] f = new Transforms(full).train(img, 0, 0, pos);
      if (!Arrays.equals(f, noFlip)) {
        sawFlip = true;
        assertEquals(noFlip[15], f[0]); // row 0: col 15 moved to col 0
        assertEquals(noFlip[16 + 3], f[16 + 12]);
      }
    }
    assertTrue(sawFlip);
  }

  @Test
  void colorJitterChangesColorsButNotTheShape() {
    RgbImage img = noise(16, 16, 5);
    TransformConfig base = SMALL.withSize(16, 16).withMinScale(1).withFlip(false);
    float[] plain = new Transforms(base).train(img, 0, 0, 0);
    float[] jittered = new Transforms(base.withColorJitter(0.5, 0.5, 0.5)).train(img, 0, 0, 0);
    assertEquals(plain.length, jittered.length);
    assertFalse(Arrays.equals(plain, jittered));
  }

  @Test
  void everyRandAugmentOpKeepsTheSizeAndMostChangeTheImage() {
    RgbImage img = noise(40, 30, 6); // equalize leaves images under 255 pixels alone, as PIL does
    RandAugment ra = new RandAugment(1, 15, 128);
    int changed = 0;
    for (RandAugment.Op op : RandAugment.Op.values()) {
      RgbImage out = ra.apply(img, op, 1);
      assertEquals(40, out.width(), op.name());
      assertEquals(30, out.height(), op.name());
      if (!Arrays.equals(img.pixels(), out.pixels())) changed++;
      else assertEquals(RandAugment.Op.IDENTITY, op, op + " did nothing");
    }
    assertEquals(RandAugment.Op.values().length - 1, changed);
  }

  @Test
  void pixelOpsMatchTheirDefinitions() {
    RgbImage img = new RgbImage(2, 1, new byte[] {10, (byte) 200, (byte) 255, 50, 60, 70});
    assertArrayEquals(new byte[] {0, (byte) 192, (byte) 240, 48, 48, 64}, ColorOps.posterize(img, 4).pixels());
    assertArrayEquals(new byte[] {10, 55, 0, 50, 60, 70}, ColorOps.solarize(img, 128).pixels());
    assertArrayEquals(new byte[] {0, (byte) 255, (byte) 255, (byte) 255, 0, 0}, ColorOps.autocontrast(img).pixels());
    RgbImage gray = ColorOps.saturation(img, 0);
    assertEquals(gray.get(0, 0, 0), gray.get(0, 0, 1));
    assertEquals(gray.get(0, 0, 1), gray.get(0, 0, 2));
    assertArrayEquals(new byte[] {5, 100, (byte) 128, 25, 30, 35}, ColorOps.brightness(img, 0.5).pixels());
    RgbImage rotated = ImageOps.affine(noise(9, 9, 1), new double[] {1, 0, 0, 0, 1, 0}, 0);
    assertArrayEquals(noise(9, 9, 1).pixels(), rotated.pixels(), "identity warp");
  }

  @Test
  void rotationTurnsAboutTheCenter() {
    RgbImage img = noise(5, 5, 8);
    RandAugment ra = new RandAugment(1, TransformConfig.MAX_MAGNITUDE, 0); // 30 degrees
    RgbImage r = ra.apply(img, RandAugment.Op.ROTATE, 1);
    assertEquals(img.get(2, 2, 0), r.get(2, 2, 0), "the center stays");
    assertNotEquals(Arrays.toString(img.pixels()), Arrays.toString(r.pixels()));
  }
}
