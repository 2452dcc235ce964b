package io.irkit.trainer;

import io.irkit.trainer.data.Batch;
import io.irkit.trainer.data.BatchLoader;
import io.irkit.trainer.data.Datasets;
import io.irkit.trainer.data.DecodeStats;
import io.irkit.trainer.data.ImageDecoder;
import io.irkit.trainer.data.MPerClassSampler;
import io.irkit.trainer.data.Sample;
import io.irkit.trainer.data.Split;
import io.irkit.trainer.data.SplitOptions;
import io.irkit.trainer.data.TransformConfig;
import io.irkit.trainer.data.Transforms;
import io.irkit.trainer.model.EmbeddingModel;
import java.io.IOException;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** The run's data: split, sampler, decoding and augmentation, as the trainer uses them. */
public final class DataPipeline implements AutoCloseable {
  private final TrainOptions o;
  private final Split split;
  private final MPerClassSampler sampler;
  private final DecodeStats stats = new DecodeStats();
  private final ImageDecoder decoder;
  private final Transforms transforms;
  private final BatchLoader.Options loaderOptions;

  public DataPipeline(TrainOptions o) throws IOException {
    this.o = o;
    if (o.workers <= 0) throw new IllegalArgumentException("--workers must be > 0, got " + o.workers);
    if (o.imageSize < 8) throw new IllegalArgumentException("--image-size must be >= 8, got " + o.imageSize);
    SplitOptions so = SplitOptions.defaults().withSeed(o.seed).withValFraction(o.valFraction);
    if (o.testClasses != null && !o.testClasses.isEmpty()) so = so.withTestClasses(o.testClasses);
    split = Datasets.load(o.dataset, o.dataRoot, so);
    sampler = MPerClassSampler.of(split.train(), o.m, o.batchSize, o.samplesPerEpoch, o.seed);
    decoder = new ImageDecoder(o.strict, stats);
    TransformConfig tc = TransformConfig.defaults()
        .withSize(o.imageSize, Math.round(o.imageSize * 256f / 224f))
        .withMinScale(o.minCropScale)
        .withColorJitter(o.colorJitter, o.colorJitter, o.colorJitter)
        .withRandAugment(o.randAugmentOps, 9);
    transforms = new Transforms(tc);
    loaderOptions = new BatchLoader.Options(o.workers, Math.max(1, o.prefetch));
  }

  public Split split() {
    return split;
  }

  public int batchesPerEpoch() {
    return sampler.batchesPerEpoch();
  }

  /** Batches of an epoch from batch `first` on; the same tensors whatever the worker count. */
  public BatchLoader trainBatches(int epoch, int first) {
    return BatchLoader.train(split.train(), sampler, epoch, first, transforms, decoder, o.seed, loaderOptions);
  }

  /** Embeddings of the samples in order (eval transforms, no gradient). */
  Evaluation.Embedded embed(EmbeddingModel model, ComputeDevice device, List<Sample> samples) {
    model.train(false);
    float[] out = null;
    long[] labels = new long[samples.size()];
    int dim = model.embeddingDim(), row = 0;
    try (BatchLoader it = BatchLoader.eval(samples, o.batchSize, transforms, decoder, loaderOptions)) {
      while (it.hasNext()) {
        try (Batch b = it.next(); PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          Tensor e = device.toHost(device.forward(model, b.images())).contiguous();
          if (out == null) out = new float[samples.size() * dim];
          int n = (int) e.size(0);
          e.data_ptr_float().get(out, row * dim, n * dim);
          b.labels().data_ptr_long().get(labels, row, n);
          row += n;
        }
      }
    }
    return new Evaluation.Embedded(out == null ? new float[0] : out, labels, dim);
  }

  public long skippedImages() {
    return stats.total();
  }

  @Override
  public void close() {}
}
