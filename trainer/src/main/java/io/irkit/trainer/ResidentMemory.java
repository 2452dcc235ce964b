package io.irkit.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory (Linux /proc) and the Java heap's committed size, logged per step so
 * native leaks show in metrics.jsonl. The heap's pages become resident gradually, so RSS alone rises
 * for a while; with a fixed, pre-touched heap (-Xms = -Xmx, -XX:+AlwaysPreTouch) RSS moves only with
 * native memory (LibTorch, OpenCV, irkit).
 */
final class ResidentMemory {
  private ResidentMemory() {}

  static double megabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status")))
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double heapCommittedMegabytes() {
    return Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0);
  }
}
