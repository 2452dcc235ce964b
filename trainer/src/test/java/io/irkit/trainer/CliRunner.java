package io.irkit.trainer;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs trainer.jar's CLI in-process and captures what it prints. */
final class CliRunner {
  record Result(int exit, String out, String err) {}

  private CliRunner() {}

  static synchronized Result run(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      int exit = Main.execute(args);
      return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The single run directory created under runsDir/name. */
  static Path runDir(Path runsDir, String name) throws IOException {
    try (Stream<Path> s = Files.list(runsDir.resolve(name))) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      if (dirs.size() != 1) throw new IllegalStateException("expected one run in " + runsDir.resolve(name) + ", got " + dirs);
      return dirs.get(0);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Path file) throws IOException {
    return new Gson().fromJson(Files.readString(file), Map.class);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> metrics(Path runDir) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl")))
      if (!line.isBlank()) out.add(new Gson().fromJson(line, Map.class));
    return out;
  }
}
