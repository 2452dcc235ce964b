package io.irkit.trainer;

import io.irkit.kernels.RetrievalMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a trained run (its best checkpoint) or a checkpoint file on a split: P@1, R-precision,",
        "MAP@R and Recall@k through irkit's exact kNN. Options default to the run's config.yaml."})
final class EvalCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_DIR|CHECKPOINT", description = "A run directory or a .ckpt file inside one.")
  Path target;

  @Option(names = "--split", description = "test, val or train (default: ${DEFAULT-VALUE}).", defaultValue = "test")
  String split;

  @Mixin
  TrainOptions options;

  @Override
  public Integer call() throws Exception {
    options.validate();
    try (Loaded l = Loaded.open(target, options)) {
      RetrievalMetrics.Result r = Evaluation.metrics(l.ctx, l.data.embed(l.model, l.samples(split)), options.recallKs);
      System.out.println(split + ": " + Evaluation.line(r));
    }
    return 0;
  }

  static Path checkpointOf(Path target) {
    if (Files.isDirectory(target)) {
      Path best = target.resolve("best.ckpt");
      return Files.exists(best) ? best : target.resolve("last.ckpt");
    }
    return target;
  }
}
