package io.irkit.trainer.data;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the images that could not be decoded, by kind; logs the first few. Thread-safe. */
public final class DecodeStats {
  public enum Failure { MISSING, TRUNCATED, CORRUPT }

  private static final System.Logger LOG = System.getLogger(DecodeStats.class.getName());
  private static final int LOGGED = 10;

  private final Map<Failure, AtomicLong> counts = new EnumMap<>(Failure.class);
  private final AtomicLong total = new AtomicLong();

  public DecodeStats() {
    for (Failure f : Failure.values()) counts.put(f, new AtomicLong());
  }

  void record(Failure failure, Path path, String message) {
    counts.get(failure).incrementAndGet();
    long n = total.incrementAndGet();
    if (n <= LOGGED) {
      LOG.log(Level.WARNING, "skipping {0} image {1}: {2}{3}", failure.name().toLowerCase(), path, message,
          n == LOGGED ? " (further bad images are only counted)" : "");
    }
  }

  public long count(Failure failure) {
    return counts.get(failure).get();
  }

  public long total() {
    return total.get();
  }

  @Override
  public String toString() {
    return "DecodeStats{missing=" + count(Failure.MISSING) + ", truncated=" + count(Failure.TRUNCATED)
        + ", corrupt=" + count(Failure.CORRUPT) + "}";
  }
}
