package io.irkit.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory (Linux /proc), logged per step so leaks show in metrics.jsonl. */
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
}
