package io.irkit.bench;

import io.irkit.kernels.Distance;
import io.irkit.kernels.Knn;
import io.irkit.kernels.RetrievalMetrics;
import org.openjdk.jmh.annotations.Param;

/**
 * Evaluation: cosine kNN of N embeddings against each other (self left out) with k = R = 9
 * (classes of 10), then precision@1 and MAP@R. irkit: Knn.search (tiled, never N x N) +
 * RetrievalMetrics; baseline: the full N x N similarity matrix and torch.topk. Floor: N x d x N.
 */
public class KnnMetricsBench extends KernelBench {
  static final int CLASS_SIZE = 10;

  @Param({"2000", "20000"})
  public int N;

  @Param({"128", "512"})
  public int d;

  @Override
  protected int rows() {
    return N;
  }

  @Override
  protected int dim() {
    return d;
  }

  @Override
  protected int classSize() {
    return CLASS_SIZE;
  }

  @Override
  protected int maxClasses() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected void prepare() {
    int k = CLASS_SIZE - 1; // PML's default k: the largest class size, minus the query itself
    Distance cosine = Distance.cosine();
    kernels(() -> RetrievalMetrics.compute(Knn.search(ctx, cosine, w.emb, null, k), w.labelArray, w.labelArray, true, false),
        () -> TorchRetrieval.precisionAt1AndMapAtR(w.emb, w.labels, k));
  }
}
