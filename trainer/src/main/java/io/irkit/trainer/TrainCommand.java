package io.irkit.trainer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train an embedding model, validate each epoch (early stopping on P@1), then report test",
        "P@1, R-precision, MAP@R and Recall@k. Writes RUNS_DIR/NAME/<timestamp>/: config.yaml, metrics.jsonl,",
        "best.ckpt, last.ckpt, summary.json."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "YAML", description = "Read options from a YAML file (keys = flag names without dashes); flags override it.")
  Path config;

  @Mixin
  TrainOptions options;

  @Mixin
  RunOptions run;

  @Override
  public Integer call() throws Exception {
    options.validate();
    ComputeDevice.of(options.device, options.lossDevice); // fail on a missing GPU before a run directory is made
    if (run.checkpointEvery < 0 || run.maxSteps < 0) throw new IllegalArgumentException("--checkpoint-every and --max-steps must be >= 0");
    RunDir dir;
    if (run.resume != null) {
      dir = RunDir.open(run.resume);
    } else {
      dir = RunDir.create(run.runsDir, run.name);
      OptionsYaml.write(options.asMap(), dir.config());
    }
    System.out.println("run directory: " + dir.dir);
    try (Trainer t = new Trainer(options, run, dir, System.out)) {
      t.train();
    }
    return 0;
  }
}
