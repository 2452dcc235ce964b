package io.irkit.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A small ImageFolder whose classes are (hue, shape) combinations drawn with random position, size and
 * noise: what makes two images the same class is learnable and carries over to unseen classes.
 */
final class SyntheticImages {
  private SyntheticImages() {}

  static Path write(Path root, int hues, int shapes, int perClass, int size, long seed) throws IOException {
    Random r = new Random(seed);
    for (int h = 0; h < hues; h++)
      for (int s = 0; s < shapes; s++) {
        Path dir = Files.createDirectories(root.resolve(String.format("c%02d_%d", h, s)));
        for (int i = 0; i < perClass; i++) ImageIO.write(draw(r, (float) h / hues, s, size), "png", dir.resolve(i + ".png").toFile());
      }
    return root;
  }

  private static BufferedImage draw(Random r, float hue, int shape, int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(235 + r.nextInt(20), 235 + r.nextInt(20), 235 + r.nextInt(20)));
    g.fillRect(0, 0, size, size);
    g.setColor(Color.getHSBColor(hue + (r.nextFloat() - 0.5f) * 0.03f, 0.8f, 0.6f + r.nextFloat() * 0.3f));
    int w = size / 3 + r.nextInt(size / 3), x = r.nextInt(size - w), y = r.nextInt(size - w);
    switch (shape % 3) {
      case 0 -> g.fillOval(x, y, w, w);
      case 1 -> g.fillRect(x, y, w, w);
      default -> {
        g.setStroke(new BasicStroke(Math.max(2, size / 12f)));
        g.drawLine(x, y, x + w, y + w);
        g.drawLine(x + w, y, x, y + w);
      }
    }
    g.dispose();
    for (int i = 0; i < size * size / 8; i++) {
      int px = r.nextInt(size), py = r.nextInt(size), v = r.nextInt(256);
      img.setRGB(px, py, new Color(v, v, v).getRGB());
    }
    return img;
  }
}
