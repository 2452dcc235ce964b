package io.irkit.bench;

import io.irkit.kernels.CircleLoss;
import io.irkit.kernels.ContrastiveLoss;
import io.irkit.kernels.Loss;
import io.irkit.kernels.MultiSimilarityLoss;
import io.irkit.kernels.NTXentLoss;
import io.irkit.kernels.SupConLoss;
import io.irkit.kernels.ThresholdConsistentMarginLoss;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.openjdk.jmh.annotations.Param;

/** Each B^2 pair loss over all pairs of the batch (no miner), forward + backward. */
public class PairLossBench extends BatchBench {
  @Param({"multiSimilarity", "contrastive", "ntXent", "supCon", "circle", "tcm"})
  public String loss;

  @Override
  protected void prepare() {
    Tensor y = w.labels;
    switch (loss) {
      case "multiSimilarity" -> fwdBwd(new MultiSimilarityLoss(2, 50, 0.5), x -> TorchLosses.multiSimilarity(x, y, null, 2, 50, 0.5));
      case "contrastive" -> fwdBwd(new ContrastiveLoss(0, 1), x -> TorchLosses.contrastive(x, y, 0, 1));
      case "ntXent" -> fwdBwd(new NTXentLoss(0.07), x -> TorchLosses.ntXent(x, y, 0.07));
      case "supCon" -> fwdBwd(new SupConLoss(0.1), x -> TorchLosses.supCon(x, y, 0.1));
      case "circle" -> fwdBwd(new CircleLoss(0.4, 80), x -> TorchLosses.circle(x, y, 0.4, 80));
      case "tcm" -> fwdBwd(new ThresholdConsistentMarginLoss(1, 1, 0.9, 0.5),
          x -> TorchLosses.thresholdConsistentMargin(x, y, 1, 1, 0.9, 0.5));
      default -> throw new IllegalArgumentException("unknown loss " + loss);
    }
  }

  private void fwdBwd(Loss irkit, UnaryOperator<Tensor> libtorch) {
    kernels(() -> irkit.compute(ctx, w.emb, w.labels, null, null, null), () -> Autograd.run(x -> libtorch.apply(x[0]), w.emb));
  }
}
