package io.irkit.bench;

import io.irkit.kernels.ArcFaceLoss;
import io.irkit.kernels.ClassifierLoss;
import io.irkit.kernels.CosFaceLoss;
import io.irkit.kernels.NormalizedSoftmaxLoss;
import io.irkit.kernels.ProxyAnchorLoss;
import io.irkit.kernels.SubCenterArcFaceLoss;
import java.util.function.BinaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.openjdk.jmh.annotations.Param;

/**
 * Classifier and proxy losses with C = 1000 classes, PML's defaults, forward + backward (gradients
 * for the embeddings and the weights). The floor stays the B x d x B matmul; these losses' own
 * matmul is B x d x C.
 */
public class ClassifierLossBench extends BatchBench {
  static final int C = 1000;

  @Param({"cosFace", "arcFace", "subCenterArcFace", "normalizedSoftmax", "proxyAnchor"})
  public String loss;

  @Override
  protected void prepare() {
    Tensor y = w.labels;
    switch (loss) {
      case "cosFace" -> fwdBwd(new CosFaceLoss(C, d, 0.35, 64), (x, v) -> TorchClassifierLosses.cosFace(x, v, y, C, 0.35, 64));
      case "arcFace" -> fwdBwd(new ArcFaceLoss(C, d, 28.6, 64), (x, v) -> TorchClassifierLosses.arcFace(x, v, y, C, 1, 28.6, 64));
      case "subCenterArcFace" -> fwdBwd(new SubCenterArcFaceLoss(C, d, 28.6, 64, 3),
          (x, v) -> TorchClassifierLosses.arcFace(x, v, y, C, 3, 28.6, 64));
      case "normalizedSoftmax" -> fwdBwd(new NormalizedSoftmaxLoss(C, d, 0.05),
          (x, v) -> TorchClassifierLosses.normalizedSoftmax(x, v, y, 0.05));
      case "proxyAnchor" -> fwdBwd(new ProxyAnchorLoss(C, d, 0.1, 32),
          (x, v) -> TorchClassifierLosses.proxyAnchor(x, v, y, C, 0.1, 32));
      default -> throw new IllegalArgumentException("unknown loss " + loss);
    }
  }

  private void fwdBwd(ClassifierLoss irkit, BinaryOperator<Tensor> libtorch) {
    Tensor weights = Workload.weights(irkit.weightShape());
    kernels(() -> irkit.compute(ctx, w.emb, w.labels, weights, null),
        () -> Autograd.run(t -> libtorch.apply(t[0], t[1]), w.emb, weights));
  }
}
