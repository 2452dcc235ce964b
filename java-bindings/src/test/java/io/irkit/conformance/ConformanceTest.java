package io.irkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The conformance runner over the shipped PML reference values. */
class ConformanceTest {
  static Path refs() {
    Path p = Path.of(System.getProperty("irkit.refs", "../../shared/refs/pml-2.8.1"));
    assertTrue(Files.isDirectory(p), "reference directory not found: " + p.toAbsolutePath());
    return p;
  }

  @Test
  void everyReferenceCasePasses() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConformanceRunner.Summary s;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      s = ConformanceRunner.run(refs(), out);
    }
    String log = buf.toString(StandardCharsets.UTF_8);
    System.out.print(log);
    assertEquals(0, s.failed(), "failures:\n" + log.lines().filter(l -> l.startsWith("FAIL")).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(0, s.skipped(), "skipped:\n" + log.lines().filter(l -> l.startsWith("SKIP")).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(expectedChecks(refs()), s.passed(), "every case x configuration must run and pass");
  }

  /** Configurations in the loss cases plus portable variants in the accuracy cases. */
  private static int expectedChecks(Path dir) throws Exception {
    int n = 0;
    try (var files = Files.list(dir.resolve("losses"))) {
      for (Path p : files.toList()) n += RefCase.read(p).getAsJsonObject("results").size();
    }
    try (var files = Files.list(dir.resolve("accuracy"))) {
      for (Path p : files.toList())
        n += (int) RefCase.read(p).getAsJsonObject("metrics").keySet().stream().filter(k -> !k.equals("clustering_informational")).count();
    }
    return n;
  }

  @Test
  void runnerDetectsAWrongReference() throws Exception {
    // A copy of one case with its loss value changed must fail: the runner can fail.
    Path dir = Files.createTempDirectory("irkit-refs");
    Files.createDirectories(dir.resolve("losses"));
    var c = RefCase.read(refs().resolve("losses/B8_D16_m2_s0.json.gz"));
    var results = c.getAsJsonObject("results");
    for (String key : results.keySet().toArray(new String[0]))
      if (!key.equals("ms_default")) results.remove(key);
    var f32 = results.getAsJsonObject("ms_default").getAsJsonObject("float32");
    f32.addProperty("loss", f32.get("loss").getAsDouble() * 1.001);
    Files.writeString(dir.resolve("losses/tampered.json"), c.toString());
    ConformanceRunner.Summary s = ConformanceRunner.run(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(new ConformanceRunner.Summary(0, 1, 0), s);
  }
}
