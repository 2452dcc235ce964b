package io.irkit.trainer;

import io.irkit.kernels.Context;
import io.irkit.kernels.RetrievalMetrics;
import io.irkit.trainer.data.Batch;
import io.irkit.trainer.data.BatchLoader;
import io.irkit.trainer.data.Split;
import io.irkit.trainer.model.EmbeddingModel;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Optimizer;

/**
 * The training loop of gmberton/image-retrieval's main.py on LibTorch: embeddings from the model,
 * loss and dLoss/dEmbeddings from an irkit kernel, {@code embeddings.backward(grad)}, optimizer
 * step; validation P@1 each epoch with early stopping; test metrics before and after.
 */
final class Trainer implements AutoCloseable {
  private final TrainOptions o;
  private final RunOptions run;
  private final RunDir dir;
  private final PrintStream out;
  private final DataPipeline data;
  private final TrainStep step;
  private final Context ctx;
  private final ComputeDevice device;
  private final EmbeddingModel model;
  private final LossSetup loss;
  private final Optimizer optimizer;
  private final Optimizer classifierOptimizer;
  private final LrSchedule schedule;

  Trainer(TrainOptions o, RunOptions run, RunDir dir, PrintStream out) throws IOException {
    this.o = o;
    this.run = run;
    this.dir = dir;
    this.out = out;
    data = new DataPipeline(o);
    Split split = data.split();
    step = new TrainStep(o, split.numTrainClasses());
    ctx = step.ctx;
    device = step.device;
    model = step.model;
    loss = step.loss;
    optimizer = step.optimizer;
    classifierOptimizer = step.classifierOptimizer;
    schedule = new LrSchedule(o.schedule, o.lr, o.warmupSteps, (long) o.epochs * data.batchesPerEpoch());
  }

  /** Runs (or resumes) training; returns true when it finished, false when stopped by --max-steps. */
  boolean train() throws IOException {
    Checkpoint.Parts parts = new Checkpoint.Parts(model, optimizer, loss.weights, classifierOptimizer);
    Checkpoint.State state;
    Map<String, Object> summary = new LinkedHashMap<>();
    if (device.isCuda())
      out.println("model on CUDA; miner and loss on " + (device.kernelsOnGpu() ? "CUDA" : "the host") + " (--loss-device " + o.lossDevice + ")");
    if (run.resume != null) {
      state = Checkpoint.read(dir.last(), parts);
      dir.truncateMetricsAfter(state.step());
      out.printf("resumed %s at epoch %d, batch %d (step %d)%n", dir.dir, state.epoch() + 1, state.batch(), state.step());
    } else {
      state = new Checkpoint.State(0, 0, 0, Double.NEGATIVE_INFINITY, -1, 0);
      if (!run.skipInitialEval) {
        RetrievalMetrics.Result before = evaluate(data.split().test());
        out.println("test before training: " + Evaluation.line(before));
        dir.appendMetrics(record("test_before", 0, 0, Evaluation.asRecord(before)));
      }
    }
    Progress progress = new Progress(System.err, !run.noProgress);
    int batches = data.batchesPerEpoch();
    for (int epoch = state.epoch(); epoch < o.epochs; epoch++) {
      model.train(true);
      long started = System.nanoTime();
      int first = epoch == state.epoch() ? state.batch() : 0;
      try (BatchLoader it = data.trainBatches(epoch, first)) {
        for (int b = first; b < batches; b++) {
          double lr = schedule.at(state.step());
          Optimizers.setLr(optimizer, lr);
          double value = step(it.next());
          state = new Checkpoint.State(epoch, b + 1, state.step() + 1, state.bestValP1(), state.bestEpoch(), state.epochsWithoutImprovement());
          double seconds = (System.nanoTime() - started) / 1e9;
          double ips = (double) (b + 1 - first) * o.batchSize / seconds;
          progress.update(epoch, o.epochs, b, batches, value, ips, (batches - b - 1) * o.batchSize / Math.max(ips, 1e-9));
          dir.appendMetrics(record("step", epoch, state.step(),
              Map.of("loss", value, "lr", lr, "images_per_s", ips, "rss_mb", ResidentMemory.megabytes(),
                  "heap_committed_mb", ResidentMemory.heapCommittedMegabytes())));
          boolean stop = run.maxSteps > 0 && state.step() >= run.maxSteps;
          if (stop || (run.checkpointEvery > 0 && state.step() % run.checkpointEvery == 0))
            Checkpoint.write(dir.last(), parts, state);
          if (stop) {
            out.printf("stopped after %d steps (--max-steps); resume with --resume %s%n", state.step(), dir.dir);
            return false;
          }
        }
      }
      state = endOfEpoch(epoch, state, parts);
      if (state.epochsWithoutImprovement() >= o.patience) {
        out.printf("early stopping: no better validation P@1 for %d epochs%n", o.patience);
        break;
      }
    }
    finish(parts, state, summary);
    return true;
  }

  private double step(Batch batch) {
    try (batch) {
      return step.run(batch.images(), batch.labels());
    }
  }

  private Checkpoint.State endOfEpoch(int epoch, Checkpoint.State s, Checkpoint.Parts parts) throws IOException {
    RetrievalMetrics.Result val = evaluate(data.split().val());
    out.printf("epoch %d validation: %s%n", epoch + 1, Evaluation.line(val));
    dir.appendMetrics(record("epoch", epoch, s.step(), Evaluation.asRecord(val)));
    boolean better = val.precisionAt1() > s.bestValP1();
    Checkpoint.State next = new Checkpoint.State(epoch + 1, 0, s.step(), better ? val.precisionAt1() : s.bestValP1(),
        better ? epoch : s.bestEpoch(), better ? 0 : s.epochsWithoutImprovement() + 1);
    if (better) Checkpoint.write(dir.best(), parts, next);
    Checkpoint.write(dir.last(), parts, next);
    return next;
  }

  private void finish(Checkpoint.Parts parts, Checkpoint.State s, Map<String, Object> summary) throws IOException {
    if (s.bestEpoch() >= 0) {
      Checkpoint.read(dir.best(), new Checkpoint.Parts(model, null, loss.weights, null));
      out.printf("restored the best checkpoint (epoch %d, validation P@1 %.4f)%n", s.bestEpoch() + 1, s.bestValP1());
    }
    RetrievalMetrics.Result test = evaluate(data.split().test());
    out.println("test after training:  " + Evaluation.line(test));
    dir.appendMetrics(record("test", s.epoch(), s.step(), Evaluation.asRecord(test)));
    Map<?, ?> before = dir.lastRecord("test_before");
    if (before != null) {
      Map<Object, Object> metrics = new LinkedHashMap<>(before);
      metrics.keySet().removeAll(java.util.List.of("type", "epoch", "step"));
      summary.put("test_before", metrics);
    }
    summary.put("test", Evaluation.asRecord(test));
    summary.put("best_epoch", s.bestEpoch() + 1);
    summary.put("best_val_precision_at_1", s.bestValP1());
    summary.put("steps", s.step());
    summary.put("skipped_images", data.skippedImages());
    dir.writeSummary(summary);
  }

  RetrievalMetrics.Result evaluate(java.util.List<io.irkit.trainer.data.Sample> samples) {
    return Evaluation.metrics(ctx, data.embed(model, device, samples), o.recallKs);
  }

  private static Map<String, Object> record(String type, int epoch, long step, Map<String, Object> values) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("epoch", epoch + 1);
    m.put("step", step);
    m.putAll(values);
    return m;
  }

  @Override
  public void close() throws Exception {
    data.close();
    step.close();
  }
}
