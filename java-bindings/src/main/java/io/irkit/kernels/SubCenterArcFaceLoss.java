package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** PML {@code SubCenterArcFaceLoss(num_classes, embedding_size, margin=28.6, scale=64, sub_centers=3)}; W is [embedding_size x num_classes*sub_centers], column c*k+j = sub-center j of class c. */
public final class SubCenterArcFaceLoss extends ClassifierLoss {
  private final double marginDegrees, scale;
  private final long subCenters;

  public SubCenterArcFaceLoss(long numClasses, long embeddingSize) {
    this(numClasses, embeddingSize, 28.6, 64, 3);
  }

  public SubCenterArcFaceLoss(long numClasses, long embeddingSize, double marginDegrees, double scale, long subCenters) {
    super(numClasses, embeddingSize);
    if (subCenters <= 0) throw new IllegalArgumentException("sub_centers must be > 0, got " + subCenters);
    this.marginDegrees = marginDegrees;
    this.scale = scale;
    this.subCenters = subCenters;
  }

  @Override
  public long[] weightShape() {
    return new long[] {embeddingSize, numClasses * subCenters};
  }

  @Override
  int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_subcenter_arcface_loss(ctx, emb, labels, n, d, weights, numClasses, subCenters, tuples, marginDegrees, scale, out);
  }
}
