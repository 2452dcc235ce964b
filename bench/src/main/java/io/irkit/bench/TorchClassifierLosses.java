package io.irkit.bench;

import static io.irkit.bench.TorchOps.logsumexp;
import static io.irkit.bench.TorchOps.s;

import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PML's classifier and proxy losses in LibTorch ops; autograd gives dLoss/dEmbeddings and
 * dLoss/dWeights. W is [d x C] (PML's layout), proxies [C x d].
 */
final class TorchClassifierLosses {
  private TorchClassifierLosses() {}

  /** CosineSimilarity(embeddings, W.t()): [B x C]. */
  private static Tensor cosineToColumns(Tensor x, Tensor w) {
    return TorchOps.normalize(x).matmul(TorchOps.normalizeColumns(w));
  }

  /**
   * LargeMarginSoftmaxLoss.compute_loss: the target cosine modified, scaled logits, cross entropy
   * (MeanReducer). subCenters > 1: each class's cosine is the max over its sub-centers first.
   */
  static Tensor largeMargin(Tensor x, Tensor w, Tensor labels, long classes, int subCenters, double scale,
      UnaryOperator<Tensor> modifyTarget) {
    Tensor cos = cosineToColumns(x, w);
    if (subCenters > 1) cos = cos.view(x.size(0), classes, subCenters).amax(new long[] {2}, false);
    Tensor mask = torch.one_hot(labels, classes).to(ScalarType.Float);
    Tensor target = cos.gather(1, labels.unsqueeze(1));
    Tensor logits = cos.add(mask.mul(modifyTarget.apply(target).sub(target))).mul(s(scale));
    return torch.cross_entropy(logits, labels);
  }

  static Tensor cosFace(Tensor x, Tensor w, Tensor labels, long classes, double margin, double scale) {
    return largeMargin(x, w, labels, classes, 1, scale, t -> t.sub(s(margin)));
  }

  /** ArcFace; margin in degrees as PML takes it. subCenters 1: ArcFaceLoss. */
  static Tensor arcFace(Tensor x, Tensor w, Tensor labels, long classes, int subCenters, double marginDegrees,
      double scale) {
    double radians = Math.toRadians(marginDegrees);
    return largeMargin(x, w, labels, classes, subCenters, scale,
        t -> t.clamp(new ScalarOptional(s(-1.0)), new ScalarOptional(s(1.0)))
            .acos().add(s(radians)).cos());
  }

  /** NormalizedSoftmaxLoss(temperature): normalized embeddings and columns, logits / T, cross entropy. */
  static Tensor normalizedSoftmax(Tensor x, Tensor w, Tensor labels, double temperature) {
    return torch.cross_entropy(cosineToColumns(x, w).div(s(temperature)), labels);
  }

  /** ProxyAnchorLoss(margin, alpha); proxies [C x d]; DivisorReducer as PML. */
  static Tensor proxyAnchor(Tensor x, Tensor proxies, Tensor labels, long classes, double margin, double alpha) {
    Tensor cos = TorchOps.cosineBetween(x, proxies);
    Tensor pos = torch.one_hot(labels, classes).to(ScalarType.Bool);
    Tensor withPos = pos.any(0).sum();
    Tensor posTerm = logsumexp(cos.neg().add(s(margin)).mul(s(alpha)), pos, true, 0);
    Tensor negTerm = logsumexp(cos.add(s(margin)).mul(s(alpha)), pos.logical_not(), true, 0);
    return posTerm.sum().div(withPos).add(negTerm.sum().div(s((double) classes)));
  }
}
