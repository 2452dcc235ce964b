package io.irkit.trainer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** runs/NAME/TIMESTAMP/: config.yaml, metrics.jsonl, best.ckpt, last.ckpt, summary.json. */
final class RunDir {
  private static final Gson JSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  private static final Gson PRETTY = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();
  final Path dir;

  private RunDir(Path dir) {
    this.dir = dir;
  }

  static RunDir create(Path runsDir, String name) throws IOException {
    if (name.isBlank() || name.contains("/") || name.contains(".."))
      throw new IllegalArgumentException("--name must be a plain folder name, got '" + name + "'");
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = runsDir.resolve(name);
    Path dir = base.resolve(stamp);
    for (int i = 1; Files.exists(dir); i++) dir = base.resolve(stamp + "-" + i);
    Files.createDirectories(dir);
    return new RunDir(dir);
  }

  static RunDir open(Path dir) {
    if (!Files.isRegularFile(dir.resolve("config.yaml")))
      throw new IllegalArgumentException(dir + " is not a run directory (no config.yaml)");
    return new RunDir(dir);
  }

  Path config() {
    return dir.resolve("config.yaml");
  }

  Path best() {
    return dir.resolve("best.ckpt");
  }

  Path last() {
    return dir.resolve("last.ckpt");
  }

  Path summary() {
    return dir.resolve("summary.json");
  }

  void appendMetrics(Map<String, Object> record) throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"), JSON.toJson(record) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Drops metric records of steps after `step` (a resumed run redoes them). */
  void truncateMetricsAfter(long step) throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    if (!Files.exists(f)) return;
    java.util.List<String> keep = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) continue;
      Map<?, ?> rec = JSON.fromJson(line, Map.class);
      Object s = rec.get("step");
      if (!(s instanceof Number n) || n.longValue() <= step) keep.add(line);
    }
    AtomicFiles.writeString(f, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
  }

  /** The last metrics record of this type, or null. */
  Map<?, ?> lastRecord(String type) throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    if (!Files.exists(f)) return null;
    Map<?, ?> found = null;
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) continue;
      Map<?, ?> rec = JSON.fromJson(line, Map.class);
      if (type.equals(rec.get("type"))) found = rec;
    }
    return found;
  }

  void writeSummary(Map<String, Object> summary) throws IOException {
    AtomicFiles.writeString(summary(), PRETTY.toJson(summary) + "\n");
  }
}
