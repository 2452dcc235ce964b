package io.irkit.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Option;

/** Flags: documented, validated with a one-line error and exit code 2, and readable from YAML. */
class CliTest {
  @TempDir Path tmp;

  @Test
  void everyOptionIsDocumentedInHelp() {
    CliRunner.Result help = CliRunner.run("train", "--help");
    assertEquals(0, help.exit());
    for (Class<?> c : List.of(TrainOptions.class, RunOptions.class))
      for (Field f : c.getFields()) {
        Option o = f.getAnnotation(Option.class);
        if (o == null) continue;
        assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.names()[0] + " has no description");
        assertTrue(help.out().contains(o.names()[0]), o.names()[0] + " missing from train --help");
      }
    for (String sub : List.of("eval", "embed", "conformance")) assertEquals(0, CliRunner.run(sub, "--help").exit());
  }

  private void badValue(String expected, String... args) {
    CliRunner.Result r = CliRunner.run(args);
    assertEquals(2, r.exit(), r.out() + r.err());
    String line = r.err().strip();
    assertFalse(line.contains("\n"), "expected one line, got:\n" + line);
    assertTrue(line.contains(expected), "'" + line + "' should mention " + expected);
  }

  @Test
  void badFlagsAndValuesExitWithTwo() throws Exception {
    Path data = SyntheticImages.write(tmp.resolve("data"), 8, 2, 4, 16, 3);
    String root = data.toString(), runs = tmp.resolve("runs").toString();
    badValue("--no-such-flag", "train", "--no-such-flag");
    badValue("--batch-size", "train", "--batch-size", "many");
    badValue("optimizer", "train", "--data-root", root, "--dataset", "imagefolder", "--optimizer", "adagrad", "--runs-dir", runs);
    badValue("divisible", "train", "--data-root", root, "--dataset", "imagefolder", "--batch-size", "30", "--m", "4", "--runs-dir", runs);
    badValue("classes", "train", "--data-root", root, "--dataset", "imagefolder", "--batch-size", "64", "--m", "2", "--runs-dir", runs);
    badValue("CUDA", "train", "--data-root", root, "--dataset", "imagefolder", "--device", "cuda", "--runs-dir", runs);
    badValue("--loss-device", "train", "--data-root", root, "--dataset", "imagefolder", "--loss-device", "gpu", "--runs-dir", runs);
    badValue("--loss-device cuda needs --device cuda", "train", "--data-root", root, "--dataset", "imagefolder",
        "--loss-device", "cuda", "--runs-dir", runs);
    badValue("NoSuchLoss", "train", "--data-root", root, "--dataset", "imagefolder", "--loss", "NoSuchLoss", "--batch-size", "8", "--m", "1", "--runs-dir", runs);
  }

  @Test
  void yamlConfigIsReadAndFlagsOverrideIt() throws Exception {
    Path yaml = tmp.resolve("run.yaml");
    Files.writeString(yaml, "optimizer: adagrad\n");
    CliRunner.Result r = CliRunner.run("train", "--config", yaml.toString(), "--data-root", tmp.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("adagrad"), r.err());
    Files.writeString(yaml, "no-such-key: 1\n");
    r = CliRunner.run("train", "--config", yaml.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no-such-key"), r.err());
  }
}
