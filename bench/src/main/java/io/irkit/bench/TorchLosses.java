package io.irkit.bench;

import static io.irkit.bench.TorchOps.INF;
import static io.irkit.bench.TorchOps.avgNonZero;
import static io.irkit.bench.TorchOps.keep;
import static io.irkit.bench.TorchOps.logsumexp;
import static io.irkit.bench.TorchOps.s;

import io.irkit.bench.TorchMiners.Triplets;
import io.irkit.bench.TorchOps.Masks;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PML's pair and triplet losses in LibTorch ops; autograd gives the gradient. Each takes the
 * embeddings (a leaf that requires grad) and returns the reduced loss. Pairs default to all pairs
 * of the batch ({@code masks} null), as PML does without a miner.
 */
final class TorchLosses {
  private TorchLosses() {}

  private static Masks orAll(Masks m, Tensor labels) {
    return m != null ? m : TorchOps.pairs(labels);
  }

  /** MultiSimilarityLoss(alpha, beta, base), cosine; MeanReducer over anchors. */
  static Tensor multiSimilarity(Tensor x, Tensor labels, Masks masks, double alpha, double beta, double base) {
    Masks m = orAll(masks, labels);
    Tensor mat = TorchOps.cosine(x);
    Tensor pos = logsumexp(mat.neg().add(s(base)).mul(s(alpha)), m.pos(), true, 1).div(s(alpha));
    Tensor neg = logsumexp(mat.sub(s(base)).mul(s(beta)), m.neg(), true, 1).div(s(beta));
    return pos.add(neg).mean();
  }

  /** TripletMarginLoss(margin) over given triplets, LpDistance; AvgNonZeroReducer. */
  static Tensor tripletMargin(Tensor x, Triplets t, double margin) {
    Tensor mat = TorchOps.lp(x);
    Tensor ap = TorchOps.at(mat, t.a(), t.p()), an = TorchOps.at(mat, t.a(), t.n());
    return avgNonZero(ap.sub(an).add(s(margin)).relu());
  }

  /** ContrastiveLoss(pos_margin, neg_margin), LpDistance; AvgNonZero per side, summed. */
  static Tensor contrastive(Tensor x, Tensor labels, double posMargin, double negMargin) {
    Masks m = TorchOps.pairs(labels);
    Tensor mat = TorchOps.lp(x);
    Tensor pos = keep(mat.sub(s(posMargin)).relu(), m.pos(), 0);
    Tensor neg = keep(mat.neg().add(s(negMargin)).relu(), m.neg(), 0);
    return avgNonZero(pos).add(avgNonZero(neg));
  }

  /**
   * NTXentLoss(temperature), cosine; mean over positive pairs. PML builds a [pos pairs x neg pairs]
   * matrix (B^3 memory); this is the same value from each anchor's negative logsumexp (B^2).
   */
  static Tensor ntXent(Tensor x, Tensor labels, double temperature) {
    Masks m = TorchOps.pairs(labels);
    Tensor mat = TorchOps.cosine(x).div(s(temperature));
    Tensor negLse = keep(mat, m.neg(), -INF).logsumexp(new long[] {1}, true);
    Tensor perPair = torch.logaddexp(mat, negLse).sub(mat); // -log(e^ap / (e^ap + sum e^an))
    return keep(perPair, m.pos(), 0).sum().div(m.pos().sum());
  }

  /** SupConLoss(temperature), cosine; AvgNonZeroReducer over anchors. */
  static Tensor supCon(Tensor x, Tensor labels, double temperature) {
    Masks m = TorchOps.pairs(labels);
    Tensor mat = TorchOps.cosine(x).div(s(temperature));
    mat = mat.sub(mat.amax(new long[] {1}, true).detach());
    Tensor logProb = mat.sub(logsumexp(mat, m.pos().logical_or(m.neg()), false, 1));
    Tensor pos = m.pos().to(ScalarType.Float);
    Tensor meanLogProbPos = pos.mul(logProb).sum(1).div(pos.sum(1).add(s(Float.MIN_NORMAL)));
    return avgNonZero(meanLogProbPos.neg());
  }

  /** CircleLoss(m, gamma), cosine; AvgNonZeroReducer over anchors. */
  static Tensor circle(Tensor x, Tensor labels, double margin, double gamma) {
    Masks m = TorchOps.pairs(labels);
    Tensor mat = TorchOps.cosine(x), fixed = mat.detach();
    Tensor ap = fixed.neg().add(s(1 + margin)).relu().mul(mat.sub(s(1 - margin))).mul(s(-gamma));
    Tensor an = fixed.add(s(margin)).relu().mul(mat.sub(s(margin))).mul(s(gamma));
    Tensor scores = keep(ap, m.pos(), 0).add(keep(an, m.neg(), 0));
    Tensor losses = torch.softplus(logsumexp(scores, m.pos(), false, 1).add(logsumexp(scores, m.neg(), false, 1)));
    Tensor bothSides = m.pos().any(1, true).logical_and(m.neg().any(1, true));
    return avgNonZero(keep(losses, bothSides, 0));
  }

  /** ThresholdConsistentMarginLoss(lambda+, lambda-, m+, m-), cosine. */
  static Tensor thresholdConsistentMargin(Tensor x, Tensor labels, double lambdaPlus, double lambdaMinus,
      double marginPlus, double marginMinus) {
    Masks m = TorchOps.pairs(labels);
    Tensor mat = TorchOps.cosine(x);
    Tensor pos = m.pos().logical_and(mat.le(s(marginPlus)));
    Tensor neg = m.neg().logical_and(mat.ge(s(marginMinus)));
    Tensor posPart = keep(mat.neg().add(s(marginPlus)), pos, 0).sum().div(pos.sum().clamp_min(s(1L)));
    Tensor negPart = keep(mat.sub(s(marginMinus)), neg, 0).sum().div(neg.sum().clamp_min(s(1L)));
    return posPart.mul(s(lambdaPlus)).add(negPart.mul(s(lambdaMinus)));
  }
}
