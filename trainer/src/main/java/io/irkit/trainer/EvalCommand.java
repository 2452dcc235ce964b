package io.irkit.trainer;

import io.irkit.kernels.RetrievalMetrics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a trained run (its best checkpoint) or a checkpoint file on a split: P@1, R-precision,",
        "MAP@R and Recall@k through irkit's exact kNN. Options default to the run's config.yaml."})
final class EvalCommand implements Callable<Integer> {
  @Mixin
  RunTarget target;

  @Mixin
  TrainOptions options;

  @Override
  public Integer call() throws Exception {
    options.validate();
    try (Loaded l = Loaded.open(target.checkpoint(), options)) {
      RetrievalMetrics.Result r = Evaluation.metrics(l.ctx, l.embed(l.samples(target.split)), options.recallKs);
      System.out.println(target.split + ": " + Evaluation.line(r));
    }
    return 0;
  }

}
