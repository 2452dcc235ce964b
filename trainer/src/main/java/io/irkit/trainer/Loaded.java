package io.irkit.trainer;

import io.irkit.kernels.Context;
import io.irkit.trainer.data.Sample;
import io.irkit.trainer.model.EmbeddingModel;
import io.irkit.trainer.model.ModelSpec;
import io.irkit.trainer.model.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/** A trained model with its data, for eval and embed. */
final class Loaded implements AutoCloseable {
  final Context ctx;
  final DataPipeline data;
  final EmbeddingModel model;
  final ComputeDevice device;

  private Loaded(Context ctx, DataPipeline data, EmbeddingModel model, ComputeDevice device) {
    this.ctx = ctx;
    this.data = data;
    this.model = model;
    this.device = device;
  }

  Evaluation.Embedded embed(List<Sample> samples) {
    return data.embed(model, device, samples);
  }

  static Loaded open(Path ckpt, TrainOptions o) throws IOException {
    if (o.threads > 0) torch.set_num_threads(o.threads);
    ComputeDevice device = ComputeDevice.of(o.device, o.lossDevice);
    Context ctx = device.kernelContext(o.threads); // evaluation's kNN
    DataPipeline data = new DataPipeline(o);
    EmbeddingModel model = Models.build(new ModelSpec(o.arch, o.weights, o.embeddingDim, o.seed));
    LossSetup loss = new LossSetup(o, data.split().numTrainClasses(), model.embeddingDim(), o.seed, device);
    Checkpoint.read(ckpt, new Checkpoint.Parts(model, null, loss.weights, null));
    device.place(model);
    model.train(false);
    return new Loaded(ctx, data, model, device);
  }

  List<Sample> samples(String split) {
    return switch (split) {
      case "test" -> data.split().test();
      case "val" -> data.split().val();
      case "train" -> data.split().train();
      default -> throw new IllegalArgumentException("--split must be test, val or train, got '" + split + "'");
    };
  }

  @Override
  public void close() throws Exception {
    data.close();
    model.close();
    ctx.close();
  }
}
