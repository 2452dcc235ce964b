package io.irkit.kernels;

import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A PML loss with learnable weights (classifier W or proxies). The caller owns the weights (train
 * them with their own optimizer, PML's {@code classifier_lr}); each call returns dLoss/dEmbeddings
 * and dLoss/dWeights. Mined tuples become PML's per-sample miner weights.
 */
public abstract class ClassifierLoss {
  protected final long numClasses;
  protected final long embeddingSize;

  protected ClassifierLoss(long numClasses, long embeddingSize) {
    if (numClasses <= 0) throw new IllegalArgumentException("num_classes must be > 0, got " + numClasses);
    if (embeddingSize <= 0) throw new IllegalArgumentException("embedding_size must be > 0, got " + embeddingSize);
    this.numClasses = numClasses;
    this.embeddingSize = embeddingSize;
  }

  public long numClasses() {
    return numClasses;
  }

  public long embeddingSize() {
    return embeddingSize;
  }

  /** Shape of the weights, as PML stores them: W is [embedding_size x num_classes]. */
  public long[] weightShape() {
    return new long[] {embeddingSize, numClasses};
  }

  public LossResult compute(Tensor embeddings, Tensor labels, Tensor weights, MinedTuples tuples) {
    return compute(Context.defaultCpu(), embeddings, labels, weights, tuples);
  }

  public LossResult compute(Context ctx, Tensor embeddings, Tensor labels, Tensor weights, MinedTuples tuples) {
    // bfloat16 / float16: widened once; the gradients are float32 (LossResult.backward casts them).
    embeddings = Views.float32(ctx, embeddings, "embeddings");
    weights = Views.float32(ctx, weights, "weights");
    Views.Matrix x = Views.matrix(ctx, embeddings, "embeddings");
    if (x.cols() != embeddingSize)
      throw new IllegalArgumentException("embeddings have " + x.cols() + " columns but the loss was built for embedding_size " + embeddingSize);
    LongPointer y = Views.labels(ctx, labels, "labels", x.rows());
    Views.Matrix w = Views.matrix(ctx, weights, "weights");
    long[] shape = weightShape();
    if (w.rows() != shape[0] || w.cols() != shape[1])
      throw new IllegalArgumentException("weights must have shape " + Arrays.toString(shape) + ", got " + Views.shape(weights));
    Tensor grad = torch.empty_like(embeddings);
    Tensor gradW = torch.empty_like(weights);
    float value = run(ctx, x.data(), y, x.rows(), w.data(), tuples, grad.data_ptr_float(), gradW.data_ptr_float(), grad);
    return new LossResult(value, grad, null, gradW);
  }

  /** Arrays: embeddings [n x embedding_size], weights shaped {@link #weightShape()}, row-major. */
  public LossArrays compute(float[] embeddings, long[] labels, float[] weights, MinedTuples tuples) {
    return compute(Context.defaultCpu(), embeddings, labels, weights, tuples);
  }

  public LossArrays compute(Context ctx, float[] embeddings, long[] labels, float[] weights, MinedTuples tuples) {
    Views.requireHost(ctx);
    if (embeddings == null || embeddings.length % embeddingSize != 0)
      throw new IllegalArgumentException("embeddings must be [n x embedding_size = " + embeddingSize + "], got "
          + (embeddings == null ? "null" : embeddings.length + " values"));
    int n = Views.rows(embeddings, Math.toIntExact(embeddingSize), "embeddings");
    Views.labelCount(labels, n, "labels");
    long[] shape = weightShape();
    if (weights == null || weights.length != shape[0] * shape[1])
      throw new IllegalArgumentException("weights must have " + shape[0] + " x " + shape[1] + " values, got "
          + (weights == null ? "null" : weights.length));
    try (FloatPointer x = new FloatPointer(embeddings);
        LongPointer y = new LongPointer(labels);
        FloatPointer w = new FloatPointer(weights);
        FloatPointer grad = new FloatPointer(embeddings.length);
        FloatPointer gradW = new FloatPointer(weights.length)) {
      float value = run(ctx, x, y, n, w, tuples, grad, gradW, null);
      return new LossArrays(value, Loss.toArray(grad, embeddings.length), null, Loss.toArray(gradW, weights.length));
    }
  }

  /** {@code like}: a tensor on the call's device (tensor calls), or null (arrays: host memory). */
  private float run(Context ctx, FloatPointer x, LongPointer y, long n, FloatPointer w, MinedTuples tuples,
      FloatPointer grad, FloatPointer gradW, Tensor like) {
    try (MinedTuples.Native t = tuples == null ? null : tuples.toNative(ctx, like);
        FloatPointer value = new FloatPointer(1);  // host memory, on CUDA too: no copy back
        irk_loss_out out = new irk_loss_out()) {
      out.loss(value).grad(grad).grad_weights(gradW);
      NativeStatus.check(invoke(ctx.handle(), x, y, n, embeddingSize, w, t == null ? null : t.tuples, out));
      return value.get();
    }
  }

  abstract int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out);
}
