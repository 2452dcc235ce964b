package io.irkit.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What eval and embed work on: a run (its best checkpoint) or a checkpoint file, and a split. */
final class RunTarget {
  @Parameters(index = "0", paramLabel = "RUN_DIR|CHECKPOINT", description = "A run directory or a .ckpt file inside one.")
  Path target;

  @Option(names = "--split", description = "test, val or train (default: ${DEFAULT-VALUE}).", defaultValue = "test")
  String split;

  Path checkpoint() {
    if (Files.isDirectory(target)) {
      Path best = target.resolve("best.ckpt");
      return Files.exists(best) ? best : target.resolve("last.ckpt");
    }
    return target;
  }
}
