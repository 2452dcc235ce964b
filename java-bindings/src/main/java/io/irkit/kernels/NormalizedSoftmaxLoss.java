package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** PML {@code NormalizedSoftmaxLoss(num_classes, embedding_size, temperature=0.05)}; W is [embedding_size x num_classes]. */
public final class NormalizedSoftmaxLoss extends ClassifierLoss {
  private final double temperature;

  public NormalizedSoftmaxLoss(long numClasses, long embeddingSize) {
    this(numClasses, embeddingSize, 0.05);
  }

  public NormalizedSoftmaxLoss(long numClasses, long embeddingSize, double temperature) {
    super(numClasses, embeddingSize);
    this.temperature = temperature;
  }

  @Override
  int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_normalized_softmax_loss(ctx, emb, labels, n, d, weights, numClasses, tuples, temperature, out);
  }
}
