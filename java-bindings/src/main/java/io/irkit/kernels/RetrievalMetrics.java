package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_metrics;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;

/** Retrieval metrics as PML's AccuracyCalculator computes them, plus Recall@k (DML papers). */
public final class RetrievalMetrics {
  private RetrievalMetrics() {}

  public record Result(double precisionAt1, double rPrecision, double mapAtR, double map, double mrr,
      long numQueries, int[] recallKs, double[] recallAtK) {
    public Map<String, Double> asMap() {
      Map<String, Double> m = new HashMap<>();
      m.put("precision_at_1", precisionAt1);
      m.put("r_precision", rPrecision);
      m.put("mean_average_precision_at_r", mapAtR);
      m.put("mean_average_precision", map);
      m.put("mean_reciprocal_rank", mrr);
      for (int i = 0; i < recallKs.length; i++) m.put("recall_at_" + recallKs[i], recallAtK[i]);
      return m;
    }
  }

  /** PML's {@code k}: every reference, the largest class size, or a fixed number. */
  public static final int K_ALL = -1, K_MAX_BIN_COUNT = -2;

  /** Metrics from neighbour lists. refIsQuery: the neighbours came from a self-search. */
  public static Result compute(Knn.Result knn, long[] queryLabels, long[] refLabels, boolean refIsQuery,
      boolean avgOfAvgs, int... recallKs) {
    if (queryLabels == null || queryLabels.length != knn.n())
      throw new IllegalArgumentException("queryLabels must have " + knn.n() + " entries (one per query)");
    if (refLabels == null) throw new IllegalArgumentException("refLabels is null");
    long[] ks = new long[recallKs.length];
    for (int i = 0; i < ks.length; i++) ks[i] = recallKs[i];
    try (LongPointer idx = new LongPointer(knn.indices());
        LongPointer ql = new LongPointer(queryLabels);
        LongPointer rl = new LongPointer(refLabels);
        LongPointer kp = ks.length == 0 ? null : new LongPointer(ks);
        DoublePointer recall = new DoublePointer(Math.max(1, ks.length));
        irk_metrics out = new irk_metrics()) {
      NativeStatus.check(Irkit.irk_retrieval_metrics(Context.defaultCpu().handle(), idx, knn.n(), knn.k(), ql, rl,
          refLabels.length, refIsQuery ? 1 : 0, avgOfAvgs ? 1 : 0, kp, ks.length, out, recall));
      double[] r = new double[ks.length];
      if (ks.length > 0) recall.get(r);
      return new Result(out.precision_at_1(), out.r_precision(), out.map_at_r(), out.map(), out.mrr(),
          out.num_queries(), recallKs.clone(), r);
    }
  }

  /**
   * kNN + metrics in one go. reference null: the queries are also the references. k is a count,
   * {@link #K_ALL} or {@link #K_MAX_BIN_COUNT} (PML's "max_bin_count").
   */
  public static Result evaluate(Context ctx, Distance distance, float[] query, long[] queryLabels, float[] reference,
      long[] refLabels, int d, int k, boolean avgOfAvgs, int... recallKs) {
    boolean self = reference == null;
    long[] rl = self ? queryLabels : refLabels;
    int m = self ? Views.rows(query, d, "query") : Views.rows(reference, d, "reference");
    int kk = neighbours(queryLabels, rl, m, self, k, recallKs);
    Knn.Result knn = Knn.search(ctx, distance, query, reference, d, kk);
    return compute(knn, queryLabels, rl, self, avgOfAvgs, recallKs);
  }

  /**
   * As the array form, for [n x d] tensors on ctx's device (a CUDA context runs the kNN on the GPU and
   * brings back only the neighbour lists); bfloat16 / float16 are widened once.
   */
  public static Result evaluate(Context ctx, Distance distance, Tensor query, long[] queryLabels, Tensor reference,
      long[] refLabels, int k, boolean avgOfAvgs, int... recallKs) {
    boolean self = reference == null;
    long[] rl = self ? queryLabels : refLabels;
    if (query == null) throw new IllegalArgumentException("query is null");
    Tensor refs = self ? query : reference;
    if (refs.dim() != 2) throw new IllegalArgumentException((self ? "query" : "reference") + " must be 2-D [n x d], got " + refs.dim() + "-D");
    long rows = refs.size(0);
    if (rows > Integer.MAX_VALUE) throw new IllegalArgumentException("too many references for Java arrays: " + rows);
    int kk = neighbours(queryLabels, rl, (int) rows, self, k, recallKs);
    Knn.Result knn = Knn.search(ctx, distance, query, reference, kk);
    return compute(knn, queryLabels, rl, self, avgOfAvgs, recallKs);
  }

  /** The neighbours a search must return for k and the recall ks, given m references. */
  private static int neighbours(long[] queryLabels, long[] refLabels, int m, boolean self, int k, int[] recallKs) {
    Views.labelCount(refLabels, m, self ? "queryLabels" : "refLabels");
    int selfCount = self ? 1 : 0;
    int kk = switch (k) {
      case K_ALL -> m - selfCount;
      case K_MAX_BIN_COUNT -> maxBinCount(refLabels, queryLabels) - selfCount;
      default -> k;
    };
    for (int rk : recallKs) kk = Math.max(kk, Math.min(rk, m - selfCount));
    if (kk <= 0) throw new IllegalArgumentException("no neighbours to retrieve: k = " + kk + " with " + m + " references");
    return kk;
  }

  /** PML's max_bin_count: the largest reference count among the labels the queries have. */
  static int maxBinCount(long[] refLabels, long[] queryLabels) {
    Map<Long, Integer> counts = new HashMap<>();
    for (long l : refLabels) counts.merge(l, 1, Integer::sum);
    int max = 0;
    for (long q : queryLabels) max = Math.max(max, counts.getOrDefault(q, 0));
    return max;
  }
}
