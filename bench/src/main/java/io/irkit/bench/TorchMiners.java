package io.irkit.bench;

import static io.irkit.bench.TorchOps.INF;
import static io.irkit.bench.TorchOps.column;
import static io.irkit.bench.TorchOps.keep;
import static io.irkit.bench.TorchOps.s;

import io.irkit.bench.TorchOps.Masks;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * PML's miners in LibTorch ops, run under no_grad as PML runs them. Pair miners return masks
 * (what the pair losses consume); {@link #indices} turns them into PML's index tuples.
 */
final class TorchMiners {
  private TorchMiners() {}

  /** PML's (a, p, n) triplets. */
  record Triplets(Tensor a, Tensor p, Tensor n) {
    long count() {
      return a.size(0);
    }
  }

  /** PML's pair tuples as [k x 2] (anchor, other) index matrices. */
  record Pairs(Tensor pos, Tensor neg) {}

  static Pairs indices(Masks m) {
    return new Pairs(m.pos().nonzero(), m.neg().nonzero());
  }

  /** MultiSimilarityMiner (cosine): PML's sort-and-threshold rule, as masks. */
  static Masks multiSimilarity(Tensor x, Tensor labels, double epsilon) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor mat = TorchOps.cosine(x);
      Masks all = TorchOps.pairs(labels);
      Tensor hardestNeg = keep(mat, all.neg(), -INF).amax(new long[] {1}, true); // neg_sorted[:, -1]
      Tensor hardestPos = keep(mat, all.pos(), INF).amin(new long[] {1}, true); // pos_sorted[:, 0]
      Tensor pos = all.pos().logical_and(mat.sub(s(epsilon)).lt(hardestNeg));
      Tensor neg = all.neg().logical_and(mat.add(s(epsilon)).gt(hardestPos));
      return new Masks(pos, neg);
    }
  }

  /** BatchHardMiner (LpDistance): farthest positive and closest negative per anchor. */
  static Triplets batchHard(Tensor x, Tensor labels) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor mat = TorchOps.lp(x);
      Masks all = TorchOps.pairs(labels);
      T_TensorTensor_T hp = keep(mat, all.pos(), -INF).max(1, false);
      T_TensorTensor_T hn = keep(mat, all.neg(), INF).min(1, false);
      return anchorsWithBoth(hp.get0().gt(s(-INF)), hp.get1(), hn.get0().lt(s(INF)), hn.get1());
    }
  }

  /** BatchEasyHardMiner(easy positives, semihard negatives), LpDistance. Returns pairs. */
  static Pairs batchEasyHard(Tensor x, Tensor labels) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor mat = TorchOps.lp(x);
      Masks all = TorchOps.pairs(labels);
      T_TensorTensor_T ep = keep(mat, all.pos(), INF).min(1, false); // easy positive: closest
      Tensor semihard = all.neg().logical_and(mat.gt(ep.get0().unsqueeze(1)));
      T_TensorTensor_T sn = keep(mat, semihard, INF).min(1, false); // closest negative past it
      Triplets t = anchorsWithBoth(ep.get0().lt(s(INF)), ep.get1(), sn.get0().lt(s(INF)), sn.get1());
      return new Pairs(torch.stack(new TensorVector(t.a(), t.p()), 1),
          torch.stack(new TensorVector(t.a(), t.n()), 1));
    }
  }

  /** PairMarginMiner(pos_margin, neg_margin), LpDistance: positives too far, negatives too close. */
  static Pairs pairMargin(Tensor x, Tensor labels, double posMargin, double negMargin) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor mat = TorchOps.lp(x);
      Masks all = TorchOps.pairs(labels);
      return indices(new Masks(all.pos().logical_and(mat.gt(s(posMargin))), all.neg().logical_and(mat.lt(s(negMargin)))));
    }
  }

  /**
   * TripletMarginMiner(margin, "semihard"), LpDistance, as PML does it: every (a, p, n) from a
   * B x B x B mask (lmu.get_all_triplets_indices), then 0 < d(a,n) - d(a,p) <= margin.
   */
  static Triplets tripletMarginSemihard(Tensor x, Tensor labels, double margin) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor mat = TorchOps.lp(x);
      Triplets all = allTriplets(labels);
      Tensor m = TorchOps.at(mat, all.a(), all.n()).sub(TorchOps.at(mat, all.a(), all.p()));
      Tensor keep = column(m.le(s(margin)).logical_and(m.gt(s(0.0))).nonzero(), 0);
      return new Triplets(all.a().index_select(0, keep), all.p().index_select(0, keep), all.n().index_select(0, keep));
    }
  }

  /** lmu.get_all_triplets_indices: B^3 memory, so the cubic benchmarks keep B small. */
  static Triplets allTriplets(Tensor labels) {
    Masks m = TorchOps.pairs(labels);
    Tensor idx = m.pos().unsqueeze(2).logical_and(m.neg().unsqueeze(1)).nonzero();
    return new Triplets(column(idx, 0), column(idx, 1), column(idx, 2));
  }

  private static Triplets anchorsWithBoth(Tensor hasPos, Tensor posIdx, Tensor hasNeg, Tensor negIdx) {
    Tensor a = column(hasPos.logical_and(hasNeg).nonzero(), 0);
    return new Triplets(a, posIdx.index_select(0, a), negIdx.index_select(0, a));
  }
}
