package io.irkit.trainer;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of a run that are not part of its recipe (not written to config.yaml). */
public final class RunOptions {
  @Option(names = "--name", description = "Run name: outputs go to RUNS_DIR/NAME/<timestamp>/ (default: ${DEFAULT-VALUE}).", defaultValue = "run")
  public String name;

  @Option(names = "--runs-dir", description = "Where run directories are created (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
  public Path runsDir;

  @Option(names = "--resume", description = "Continue the killed run in RUN_DIR from its last checkpoint (its config.yaml is used).")
  public Path resume;

  @Option(names = "--checkpoint-every", description = "Also write the 'last' checkpoint every N steps; 0 = at epoch ends only (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public int checkpointEvery;

  @Option(names = "--max-steps", description = "Stop after N optimizer steps in total, leaving a resumable run (as if killed); 0 = no limit (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  public int maxSteps;

  @Option(names = "--no-progress", description = "No progress bar (log lines only).")
  public boolean noProgress;

  @Option(names = "--skip-initial-eval", description = "Do not evaluate the test split before training.")
  public boolean skipInitialEval;
}
