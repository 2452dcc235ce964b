package io.irkit.trainer;

import java.io.PrintStream;

/** A one-line progress bar: epoch, bar, loss, images/s, ETA. */
final class Progress {
  private final PrintStream out;
  private final boolean enabled;
  private long lastPrint;

  Progress(PrintStream out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  void update(int epoch, int epochs, int batch, int batches, double loss, double imagesPerSecond, double secondsLeft) {
    if (!enabled) return;
    long now = System.nanoTime();
    if (batch + 1 < batches && now - lastPrint < 200_000_000L) return;
    lastPrint = now;
    int width = 24, filled = (int) ((long) width * (batch + 1) / batches);
    out.printf("\repoch %d/%d [%s%s] %3d%% loss %.4f %.1f img/s ETA %s ", epoch + 1, epochs, "=".repeat(filled),
        " ".repeat(width - filled), 100 * (batch + 1) / batches, loss, imagesPerSecond, clock(secondsLeft));
    if (batch + 1 == batches) out.println();
    out.flush();
  }

  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
