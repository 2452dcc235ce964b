package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** PML {@code ArcFaceLoss(num_classes, embedding_size, margin=28.6 (degrees), scale=64)}; W is [embedding_size x num_classes]. */
public final class ArcFaceLoss extends ClassifierLoss {
  private final double marginDegrees, scale;

  public ArcFaceLoss(long numClasses, long embeddingSize) {
    this(numClasses, embeddingSize, 28.6, 64);
  }

  public ArcFaceLoss(long numClasses, long embeddingSize, double marginDegrees, double scale) {
    super(numClasses, embeddingSize);
    this.marginDegrees = marginDegrees;
    this.scale = scale;
  }

  @Override
  int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_arcface_loss(ctx, emb, labels, n, d, weights, numClasses, tuples, marginDegrees, scale, out);
  }
}
