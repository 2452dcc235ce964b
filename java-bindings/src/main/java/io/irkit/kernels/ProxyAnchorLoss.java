package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** PML {@code ProxyAnchorLoss(num_classes, embedding_size, margin=0.1, alpha=32)}; proxies are [num_classes x embedding_size]. */
public final class ProxyAnchorLoss extends ClassifierLoss {
  private final double margin, alpha;

  public ProxyAnchorLoss(long numClasses, long embeddingSize) {
    this(numClasses, embeddingSize, 0.1, 32);
  }

  public ProxyAnchorLoss(long numClasses, long embeddingSize, double margin, double alpha) {
    super(numClasses, embeddingSize);
    this.margin = margin;
    this.alpha = alpha;
  }

  @Override
  public long[] weightShape() {
    return new long[] {numClasses, embeddingSize};
  }

  @Override
  int invoke(irk_context ctx, FloatPointer emb, LongPointer labels, long n, long d, FloatPointer weights,
      irk_tuples tuples, irk_loss_out out) {
    return Irkit.irk_proxy_anchor_loss(ctx, emb, labels, n, d, weights, numClasses, tuples, margin, alpha, out);
  }
}
