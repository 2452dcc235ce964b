package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_distance;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.LayoutOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Exact k-nearest neighbours, streamed in tiles (never an n x m matrix). Without a reference set the
 * queries search each other and each query is left out of its own list (PML's rule).
 */
public final class Knn {
  private Knn() {}

  /** Indices [n x k] and distances/similarities [n x k], best first, ties by lower index. */
  public record Result(long[] indices, float[] values, int n, int k) {
    public long index(int query, int rank) {
      return indices[query * k + rank];
    }
  }

  public static Result search(Distance distance, Tensor query, Tensor reference, int k) {
    return search(Context.defaultCpu(), distance, query, reference, k);
  }

  public static Result search(Context ctx, Distance distance, Tensor query, Tensor reference, int k) {
    query = Views.float32(ctx, query, "query"); // bfloat16 / float16: widened once
    reference = reference == null ? null : Views.float32(ctx, reference, "reference");
    Views.Matrix q = Views.matrix(ctx, query, "query");
    Views.Matrix r = reference == null ? null : Views.matrix(ctx, reference, "reference");
    if (r != null && r.cols() != q.cols())
      throw new IllegalArgumentException("reference has " + r.cols() + " columns but query has " + q.cols());
    long m = r == null ? q.rows() : r.rows();
    if (ctx.isCuda()) return runOnDevice(ctx, distance, query, q, r, m, k);
    return run(ctx, distance, q.data(), q.rows(), r == null ? null : r.data(), m, q.cols(), k);
  }

  /** A CUDA context writes device memory: the outputs are tensors on the queries' device, then copied back. */
  private static Result runOnDevice(Context ctx, Distance distance, Tensor query, Views.Matrix q, Views.Matrix r, long m,
      int k) {
    checkSizes(q.rows(), k);
    long[] shape = {q.rows(), k};
    Tensor idx = query.new_empty(shape, new ScalarTypeOptional(ScalarType.Long), new LayoutOptional(), new DeviceOptional(),
        new BoolOptional());
    Tensor val = query.new_empty(shape, new ScalarTypeOptional(ScalarType.Float), new LayoutOptional(),
        new DeviceOptional(), new BoolOptional());
    try (irk_distance dist = distance.toNative()) {
      NativeStatus.check(Irkit.irk_knn(ctx.handle(), dist, q.data(), q.rows(), r == null ? null : r.data(), m, q.cols(), k,
          idx.data_ptr_long(), val.data_ptr_float()));
    }
    long[] indices = new long[(int) (q.rows() * k)];
    float[] values = new float[indices.length];
    idx.cpu().data_ptr_long().get(indices);
    val.cpu().data_ptr_float().get(values);
    return new Result(indices, values, (int) q.rows(), k);
  }

  private static void checkSizes(long n, int k) {
    if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
    long cells = n * (long) k;
    if (cells > Integer.MAX_VALUE) throw new IllegalArgumentException("n * k = " + cells + " is too large for Java arrays");
  }

  /** Arrays: query [n x d], reference [m x d] or null (reference = query). */
  public static Result search(Context ctx, Distance distance, float[] query, float[] reference, int d, int k) {
    Views.requireHost(ctx);
    int n = Views.rows(query, d, "query");
    int m = reference == null ? n : Views.rows(reference, d, "reference");
    try (FloatPointer q = new FloatPointer(query); FloatPointer r = reference == null ? null : new FloatPointer(reference)) {
      return run(ctx, distance, q, n, r, m, d, k);
    }
  }

  private static Result run(Context ctx, Distance distance, FloatPointer q, long n, FloatPointer r, long m, long d, int k) {
    checkSizes(n, k);
    long cells = n * (long) k;
    try (LongPointer idx = new LongPointer(cells); FloatPointer val = new FloatPointer(cells); irk_distance dist = distance.toNative()) {
      NativeStatus.check(Irkit.irk_knn(ctx.handle(), dist, q, n, r, m, d, k, idx, val));
      long[] indices = new long[(int) cells];
      float[] values = new float[(int) cells];
      idx.get(indices);
      val.get(values);
      return new Result(indices, values, (int) n, k);
    }
  }
}
