package io.irkit.bench;

import io.irkit.kernels.Distance;
import org.openjdk.jmh.annotations.Param;

/** The B x B distance matrix: irkit Distance.pairwise vs normalize + matmul (cosine) or cdist (lp). */
public class PairwiseBench extends BatchBench {
  @Param({"cosine", "lp"})
  public String distance;

  @Override
  protected void prepare() {
    boolean cosine = distance.equals("cosine");
    Distance irkit = cosine ? Distance.cosine() : Distance.lp();
    kernels(() -> irkit.pairwise(ctx, w.emb, null), () -> cosine ? TorchOps.cosine(w.emb) : TorchOps.lp(w.emb));
  }
}
