package io.irkit.kernels;

import io.irkit.bindings.Irkit.irk_batch;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;

/** An irk_batch over tensors (zero-copy) or arrays (copied once), closed after the call. */
final class NativeBatch implements AutoCloseable {
  final irk_batch batch = new irk_batch();
  final long n, m, d;
  final boolean hasRef;
  private final List<Pointer> owned = new ArrayList<>();

  private NativeBatch(long n, long m, long d, boolean hasRef) {
    this.n = n;
    this.m = m;
    this.d = d;
    this.hasRef = hasRef;
  }

  static NativeBatch of(Context ctx, Tensor emb, Tensor labels, Tensor refEmb, Tensor refLabels) {
    Views.Matrix x = Views.typedMatrix(ctx, emb, "embeddings");
    LongPointer xl = Views.labels(ctx, labels, "labels", x.rows());
    if ((refEmb == null) != (refLabels == null))
      throw new IllegalArgumentException("refEmb and refLabels must be given together");
    if (refEmb == null) {
      NativeBatch b = new NativeBatch(x.rows(), x.rows(), x.cols(), false);
      b.batch.emb(x.data()).labels(xl).n(x.rows()).d(x.cols()).dtype(x.dtype());
      return b;
    }
    Views.Matrix y = Views.typedMatrix(ctx, refEmb, "refEmb");
    if (y.dtype() != x.dtype())
      throw new IllegalArgumentException("refEmb is " + refEmb.scalar_type() + " but embeddings are " + emb.scalar_type());
    if (y.cols() != x.cols())
      throw new IllegalArgumentException("refEmb has " + y.cols() + " columns but embeddings have " + x.cols());
    LongPointer yl = Views.labels(ctx, refLabels, "refLabels", y.rows());
    NativeBatch b = new NativeBatch(x.rows(), y.rows(), x.cols(), true);
    b.batch.emb(x.data()).labels(xl).n(x.rows()).d(x.cols()).ref_emb(y.data()).ref_labels(yl).m(y.rows())
        .dtype(x.dtype());
    return b;
  }

  static NativeBatch of(Context ctx, float[] emb, long[] labels, float[] refEmb, long[] refLabels, int d) {
    Views.requireHost(ctx);
    int n = Views.rows(emb, d, "embeddings");
    Views.labelCount(labels, n, "labels");
    if ((refEmb == null) != (refLabels == null))
      throw new IllegalArgumentException("refEmb and refLabels must be given together");
    int m = n;
    if (refEmb != null) {
      m = Views.rows(refEmb, d, "refEmb");
      Views.labelCount(refLabels, m, "refLabels");
    }
    NativeBatch b = new NativeBatch(n, m, d, refEmb != null);
    b.batch.emb(b.own(new FloatPointer(emb))).labels(b.own(new LongPointer(labels))).n(n).d(d).dtype(0);
    if (refEmb != null)
      b.batch.ref_emb(b.own(new FloatPointer(refEmb))).ref_labels(b.own(new LongPointer(refLabels))).m(m);
    return b;
  }

  <P extends Pointer> P own(P p) {
    owned.add(p);
    return p;
  }

  @Override
  public void close() {
    for (Pointer p : owned) p.close();
    batch.close();
  }
}
