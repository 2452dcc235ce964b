package io.irkit.bench;

import org.bytedeco.pytorch.NormalizeFuncOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** PML's building blocks (distances, pair masks, lmu.logsumexp, reducers) in LibTorch ops. */
final class TorchOps {
  static final double INF = Double.POSITIVE_INFINITY;

  private TorchOps() {}

  static Scalar s(double v) {
    return new Scalar(v);
  }

  static Scalar s(long v) {
    return new Scalar(v);
  }

  /** F.normalize(x, p=2, dim=1): PML's BaseDistance.maybe_normalize. */
  static Tensor normalize(Tensor x) {
    return torch.normalize(x);
  }

  /** F.normalize(w, p=2, dim=0): unit columns. */
  static Tensor normalizeColumns(Tensor w) {
    NormalizeFuncOptions o = new NormalizeFuncOptions();
    o.dim().put(0);
    return torch.normalize(w, o);
  }

  /** PML CosineSimilarity: normalize, then query @ ref.T. */
  static Tensor cosine(Tensor x) {
    Tensor n = normalize(x);
    return n.matmul(n.t());
  }

  /** PML CosineSimilarity between two sets: [n x m]. */
  static Tensor cosineBetween(Tensor x, Tensor y) {
    return normalize(x).matmul(normalize(y).t());
  }

  /** PML LpDistance(p=2, normalize_embeddings=True): normalize, then torch.cdist. */
  static Tensor lp(Tensor x) {
    Tensor n = normalize(x);
    return torch.cdist(n, n);
  }

  /** lmu.get_all_pairs_indices as masks: pos = same label minus the diagonal, neg = other label. */
  record Masks(Tensor pos, Tensor neg) {}

  static Masks pairs(Tensor labels) {
    Tensor same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
    Tensor eye = torch.eye(labels.size(0), new TensorOptions(ScalarType.Bool));
    return new Masks(same.logical_and(eye.logical_not()), same.logical_not());
  }

  /** x where keep, else v. */
  static Tensor keep(Tensor x, Tensor keep, double v) {
    return x.masked_fill(keep.logical_not(), s(v));
  }

  /** lmu.logsumexp(x, keep_mask, add_one, dim), keepdim. */
  static Tensor logsumexp(Tensor x, Tensor keep, boolean addOne, long dim) {
    Tensor masked = keep(x, keep, -INF);
    if (addOne) masked = torch.cat(new TensorVector(masked, torch.zeros_like(masked.narrow(dim, 0, 1))), dim);
    Tensor out = masked.logsumexp(new long[] {dim}, true);
    return out.masked_fill(keep.any(dim, true).logical_not(), s(0.0));
  }

  /** PML AvgNonZeroReducer: mean of the losses above 0 (0 when none is). */
  static Tensor avgNonZero(Tensor losses) {
    Tensor count = losses.gt(s(0.0)).sum().clamp_min(s(1L));
    return losses.sum().div(count);
  }

  /** mat[rows, cols] for index vectors. */
  static Tensor at(Tensor mat, Tensor rows, Tensor cols) {
    return mat.reshape(-1).index_select(0, rows.mul(s(mat.size(1))).add(cols));
  }

  /** Column c of a [k x w] index matrix (torch.nonzero's output). */
  static Tensor column(Tensor idx, long c) {
    return idx.select(1, c).contiguous();
  }
}
