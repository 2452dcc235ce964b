package io.irkit.trainer;

import io.irkit.kernels.Context;
import io.irkit.kernels.Distance;
import io.irkit.kernels.RetrievalMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The paper's evaluation: embed a split, every image queries all the others of the split (itself
 * excluded), precision@1, R-precision, MAP@R and Recall@k through irkit's exact kNN (on the GPU when
 * the miner and loss run there, --loss-device).
 */
final class Evaluation {
  private Evaluation() {}

  record Embedded(float[] embeddings, long[] labels, int dim) {
    int size() {
      return labels.length;
    }
  }

  /** On a CUDA context the embeddings go to its device once and the kNN runs there. */
  static RetrievalMetrics.Result metrics(Context ctx, Embedded e, List<Integer> recallKs) {
    if (e.size() < 2) throw new IllegalArgumentException("an evaluation split needs at least 2 images, got " + e.size());
    int[] ks = recallKs.stream().mapToInt(Integer::intValue).toArray();
    // Embeddings are L2-normalized, so cosine ranks exactly like the L2 distance PML uses.
    if (!ctx.isCuda())
      return RetrievalMetrics.evaluate(ctx, Distance.cosine(), e.embeddings(), e.labels(), null, null, e.dim(),
          RetrievalMetrics.K_MAX_BIN_COUNT, false, ks);
    try (PointerScope scope = new PointerScope()) {
      Tensor onDevice = Tensor.create(e.embeddings(), e.size(), e.dim()).to(new Device("cuda:" + ctx.deviceIndex()), ScalarType.Float);
      return RetrievalMetrics.evaluate(ctx, Distance.cosine(), onDevice, e.labels(), null, null,
          RetrievalMetrics.K_MAX_BIN_COUNT, false, ks);
    }
  }

  static Map<String, Object> asRecord(RetrievalMetrics.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("precision_at_1", r.precisionAt1());
    m.put("r_precision", r.rPrecision());
    m.put("mean_average_precision_at_r", r.mapAtR());
    for (int i = 0; i < r.recallKs().length; i++) m.put("recall_at_" + r.recallKs()[i], r.recallAtK()[i]);
    m.put("num_queries", r.numQueries());
    return m;
  }

  static String line(RetrievalMetrics.Result r) {
    StringBuilder sb = new StringBuilder(String.format("P@1 %.4f  R-precision %.4f  MAP@R %.4f", r.precisionAt1(), r.rPrecision(), r.mapAtR()));
    for (int i = 0; i < r.recallKs().length; i++) sb.append(String.format("  R@%d %.4f", r.recallKs()[i], r.recallAtK()[i]));
    return sb.toString();
  }
}
