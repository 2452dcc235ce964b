package io.irkit.bench;

import static io.irkit.bench.TorchOps.INF;
import static io.irkit.bench.TorchOps.s;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** PML AccuracyCalculator's precision_at_1 and mean_average_precision_at_r from a full-matrix kNN. */
final class TorchRetrieval {
  private TorchRetrieval() {}

  /** Self-search of x (cosine), k neighbours; returns {precision@1, MAP@R}. */
  static double[] precisionAt1AndMapAtR(Tensor x, Tensor labels, int k) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor sim = TorchOps.cosine(x);
      sim.fill_diagonal_(s(-INF));
      Tensor idx = sim.topk(k, 1, true, true).get1();
      Tensor hits = labels.index_select(0, idx.reshape(-1)).view(x.size(0), k).eq(labels.unsqueeze(1));
      double p1 = hits.select(1, 0).to(ScalarType.Float).mean().item_double();
      // R per query: its class size minus itself; rank r counts when r < R.
      Tensor r = torch.bincount(labels).index_select(0, labels).sub(s(1L));
      Tensor relevant = torch.arange(s((long) k)).unsqueeze(0).lt(r.unsqueeze(1));
      Tensor eq = hits.logical_and(relevant).to(ScalarType.Float);
      Tensor precision = eq.cumsum(1).mul(eq).div(torch.arange(s(1L), s(k + 1L)));
      double mapAtR = precision.sum(1).div(relevant.sum(1)).mean().item_double();
      return new double[] {p1, mapAtR};
    }
  }
}
