package io.irkit.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir
  Path dir;

  /** A 2x1 BGRA PNG: a fully transparent black pixel and a half-transparent pure red one. */
  private Path rgba() throws IOException {
    byte[] bgra = {0, 0, 0, 0, /* */ 0, 0, (byte) 255, (byte) 128};
    return Fixtures.write(dir.resolve("rgba.png"), 2, 1, 4, bgra);
  }

  @Test
  void transparentPixelsBecomeWhite() throws IOException {
    RgbImage img = new ImageDecoder().decode(rgba());
    assertEquals(2, img.width());
    assertEquals(1, img.height());
    assertEquals(255, img.get(0, 0, 0));
    assertEquals(255, img.get(0, 0, 1));
    assertEquals(255, img.get(0, 0, 2));
    // red at alpha 128/255 over white: R stays 255, G and B = 255 * 127/255
    assertEquals(255, img.get(1, 0, 0));
    assertEquals(127, img.get(1, 0, 1));
    assertEquals(127, img.get(1, 0, 2));
  }

  @Test
  void bgrBecomesRgbForEveryCodec() throws IOException {
    for (String ext : new String[] {"png", "bmp", "jpg"}) {
      RgbImage img = new ImageDecoder().decode(Fixtures.solid(dir.resolve("red." + ext), 8, 8, 250, 10, 20));
      assertNotNull(img, ext);
      assertEquals(250, img.get(3, 3, 0), 4, ext);
      assertEquals(10, img.get(3, 3, 1), 4, ext);
      assertEquals(20, img.get(3, 3, 2), 4, ext);
    }
  }

  @Test
  void grayAnd16BitImagesBecome8BitRgb() throws IOException {
    byte[] gray = new byte[16];
    Arrays.fill(gray, (byte) 77);
    RgbImage g = new ImageDecoder().decode(Fixtures.write(dir.resolve("g.png"), 4, 4, 1, gray));
    assertEquals(77, g.get(1, 1, 0));
    assertEquals(77, g.get(1, 1, 2));
    RgbImage deep = new ImageDecoder().decode(Fixtures.png16(dir.resolve("d.png"), 4, 4, 257 * 200));
    assertEquals(200, deep.get(2, 2, 1));
  }

  @Test
  void realEmojiPaletteWithTransparencyDecodesOnWhite() throws IOException {
    // an 8-bit palette PNG with a tRNS chunk, like the Twitter emoji: index 0 transparent, index 1 opaque blue
    Path f = Fixtures.palettePng(dir.resolve("palette.png"), new byte[] {0, 0, 0, 0, 0, (byte) 255},
        new byte[] {0, (byte) 255}, new byte[] {0, 1});
    RgbImage img = new ImageDecoder(true, new DecodeStats()).decode(f);
    assertEquals(255, img.get(0, 0, 0));
    assertEquals(255, img.get(0, 0, 1));
    assertEquals(0, img.get(1, 0, 0));
    assertEquals(255, img.get(1, 0, 2));
  }

  @Test
  void badImagesAreSkippedAndCounted() throws IOException {
    byte[] jpg = Files.readAllBytes(Fixtures.noise(dir.resolve("ok.jpg"), 32, 32, 1));
    byte[] png = Files.readAllBytes(Fixtures.noise(dir.resolve("ok.png"), 32, 32, 2));
    Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length * 2 / 3));
    Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
    Files.writeString(dir.resolve("junk.png"), "not an image at all");
    Files.write(dir.resolve("empty.jpg"), new byte[0]);
    DecodeStats stats = new DecodeStats();
    ImageDecoder d = new ImageDecoder(false, stats);
    assertNotNull(d.decode(dir.resolve("ok.jpg")));
    assertNotNull(d.decode(dir.resolve("ok.png")));
    for (String bad : new String[] {"cut.jpg", "cut.png", "junk.png", "empty.jpg", "missing.png"}) {
      assertNull(d.decode(dir.resolve(bad)), bad);
    }
    assertEquals(2, stats.count(DecodeStats.Failure.TRUNCATED), stats.toString());
    assertEquals(2, stats.count(DecodeStats.Failure.CORRUPT), stats.toString());
    assertEquals(1, stats.count(DecodeStats.Failure.MISSING), stats.toString());
    assertEquals(5, stats.total());
  }

  @Test
  void strictModeThrowsWithTheKindOfFailure() throws IOException {
    byte[] jpg = Files.readAllBytes(Fixtures.noise(dir.resolve("ok.jpg"), 32, 32, 1));
    Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length - 40));
    ImageDecoder strict = new ImageDecoder(true, new DecodeStats());
    var cut = assertThrows(ImageDecodeException.class, () -> strict.decode(dir.resolve("cut.jpg")));
    assertEquals(DecodeStats.Failure.TRUNCATED, cut.failure());
    var missing = assertThrows(ImageDecodeException.class, () -> strict.decode(dir.resolve("none.png")));
    assertEquals(DecodeStats.Failure.MISSING, missing.failure());
    assertTrue(missing.getMessage().contains("none.png"));
    assertEquals(0, strict.stats().total());
  }
}
