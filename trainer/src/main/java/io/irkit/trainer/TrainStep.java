package io.irkit.trainer;

import io.irkit.kernels.Context;
import io.irkit.kernels.LossResult;
import io.irkit.trainer.model.EmbeddingModel;
import io.irkit.trainer.model.ModelSpec;
import io.irkit.trainer.model.Models;
import java.io.IOException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One training step as the trainer runs it: forward, loss and dLoss/dEmbeddings from an irkit kernel
 * (outside autograd), {@code embeddings.backward(grad)}, optimizer step, all in a PointerScope. Owns
 * the model, the loss, the optimizers and the kernel context of a run; public so that benchmarks time
 * exactly this code.
 */
public final class TrainStep implements AutoCloseable {
  /** Phases of {@link #run(Tensor, Tensor, long[])}: indices into its nanos array. */
  public static final int FORWARD = 0, LOSS = 1, BACKWARD = 2, OPTIMIZER = 3, PHASES = 4;

  final Context ctx; // evaluation's kNN over a split: CUDA (--loss-device) or all --threads
  final Context lossCtx; // the step's miner and loss: ctx, or fewer CPU threads (see kernelThreads)
  final ComputeDevice device;
  final EmbeddingModel model;
  final LossSetup loss;
  final Optimizer optimizer;
  final Optimizer classifierOptimizer;

  /**
   * Sets LibTorch's threads (--threads; 0 = all cores), seeds torch, builds the model (on o.device), the
   * loss (classifier losses need the number of training classes) and the optimizers.
   */
  public TrainStep(TrainOptions o, int numTrainClasses) throws IOException {
    device = ComputeDevice.of(o.device, o.lossDevice);
    torch.set_num_threads(threads(o.threads));
    // LibTorch's BLAS (OpenBLAS, only the head's and small matmuls here; convolutions run in oneDNN)
    // keeps its own pool whose threads spin after each call and take the cores from the OpenMP threads:
    // 2-thread small-CNN backward 105 ms with it, 25 ms in PyTorch (single-threaded BLAS).
    openblas.blas_set_num_threads(1);
    torch.manual_seed(o.seed);
    ctx = device.kernelContext(o.threads);
    model = Models.build(new ModelSpec(o.arch, o.weights, o.embeddingDim, o.seed));
    device.place(model);
    loss = new LossSetup(o, numTrainClasses, model.embeddingDim(), o.seed, device);
    int kernelThreads = kernelThreads(o.batchSize, model.embeddingDim(), threads(o.threads));
    lossCtx = ctx.isCuda() || kernelThreads == threads(o.threads) ? ctx : Context.cpu(kernelThreads);
    TensorVector params = new TensorVector();
    for (Tensor p : model.parameters()) params.push_back(p);
    optimizer = Optimizers.create(o.optimizer, params, o.lr, o.weightDecay, o.momentum);
    classifierOptimizer = loss.weights == null ? null
        : Optimizers.create(o.optimizer, new TensorVector(loss.weights), o.classifierLr, 0, o.momentum);
  }

  /** --threads: 0 means every core (LibTorch's own default is the physical core count, 1 on some VMs). */
  static int threads(int requested) {
    return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Threads of the step's miner and loss: one below B^2 d = 2^22 multiply-adds (B = 128, d = 256), where
   * waking the context's workers costs more than the work: on a loaded 2-core machine the native MS
   * miner + loss takes 0.04 ms on one thread and 0.07-0.08 ms on two at B = 32, d = 128 (0.47 vs 0.55 ms
   * at B = 128; native/tests/parallel_bench.c). The kernels give the same results for any thread count.
   */
  static int kernelThreads(int batchSize, int dim, int threads) {
    return (long) batchSize * batchSize * dim < (1L << 22) ? 1 : threads;
  }

  public EmbeddingModel model() {
    return model;
  }

  /** One step on a batch (images on the host, labels int64); returns the loss value. */
  public double run(Tensor images, Tensor labels) {
    return run(images, labels, null);
  }

  /**
   * As {@link #run(Tensor, Tensor)}; when nanos is not null, adds each phase's wall time to
   * nanos[FORWARD..OPTIMIZER] (zero_grad counts as backward).
   */
  public double run(Tensor images, Tensor labels, long[] nanos) {
    try (PointerScope scope = new PointerScope()) {
      long t0 = System.nanoTime();
      Tensor emb = device.forward(model, images);
      long t1 = System.nanoTime();
      LossResult r = loss.compute(lossCtx, device.embeddingsForKernels(emb), device.forKernels(labels));
      long t2 = System.nanoTime();
      optimizer.zero_grad();
      if (classifierOptimizer != null) classifierOptimizer.zero_grad();
      device.backward(emb, r.grad());
      if (loss.weights != null) loss.weights.backward(r.gradWeights(), new BoolOptional(), false, new TensorArrayRefOptional());
      long t3 = System.nanoTime();
      optimizer.step();
      if (classifierOptimizer != null) classifierOptimizer.step();
      long t4 = System.nanoTime();
      if (nanos != null) {
        nanos[FORWARD] += t1 - t0;
        nanos[LOSS] += t2 - t1;
        nanos[BACKWARD] += t3 - t2;
        nanos[OPTIMIZER] += t4 - t3;
      }
      if (!Float.isFinite(r.loss())) throw new IllegalStateException("loss became " + r.loss() + " at this step: lower --lr");
      return r.loss();
    }
  }

  @Override
  public void close() {
    model.close();
    if (lossCtx != ctx) lossCtx.close();
    ctx.close();
  }
}
