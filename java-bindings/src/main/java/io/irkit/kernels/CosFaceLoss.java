package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** PML {@code CosFaceLoss(num_classes, embedding_size, margin=0.35, scale=64)}; W is [embedding_size x num_classes]. */
public final class CosFaceLoss extends ClassifierLoss {
  private final double margin, scale;

  public CosFaceLoss(long numClasses, long embeddingSize) {
    this(numClasses, embeddingSize, 0.35, 64);
  }

  public CosFaceLoss(long numClasses, long embeddingSize, double margin, double scale) {
    super(numClasses, embeddingSize);
    this.margin = margin;
    this.scale = scale;
  }

  @Override
  int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_cosface_loss(ctx, emb, labels, n, d, weights, numClasses, tuples, margin, scale, out);
  }
}
