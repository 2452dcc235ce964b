package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_distance;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * PML's distances: {@code CosineSimilarity}, {@code DotProductSimilarity}, {@code LpDistance(p=2)}
 * and squared L2, each with {@code normalize_embeddings} and {@code power}. Similarities are
 * "inverted" in PML's words: larger means closer.
 */
public final class Distance {
  public enum Kind { COSINE, DOT, L2, SQUARED_L2 }

  private final Kind kind;
  private final boolean normalize;
  private final double power;

  private Distance(Kind kind, boolean normalize, double power) {
    if (kind == Kind.COSINE && !normalize)
      throw new IllegalArgumentException("cosine similarity always normalizes (PML CosineSimilarity)");
    if (!(power > 0) || Double.isInfinite(power))
      throw new IllegalArgumentException("power must be finite and > 0, got " + power);
    this.kind = kind;
    this.normalize = normalize;
    this.power = power;
  }

  /** PML {@code CosineSimilarity()}. */
  public static Distance cosine() {
    return new Distance(Kind.COSINE, true, 1);
  }

  /** PML {@code DotProductSimilarity(normalize_embeddings)}; PML's default normalizes. */
  public static Distance dot(boolean normalizeEmbeddings) {
    return new Distance(Kind.DOT, normalizeEmbeddings, 1);
  }

  /** PML {@code LpDistance()}: Euclidean distance of L2-normalized embeddings. */
  public static Distance lp() {
    return lp(true, 1);
  }

  /** PML {@code LpDistance(p=2, power, normalize_embeddings)}. */
  public static Distance lp(boolean normalizeEmbeddings, double power) {
    return new Distance(Kind.L2, normalizeEmbeddings, power);
  }

  /** Squared Euclidean distance (PML {@code LpDistance(power=2)}). */
  public static Distance squaredL2(boolean normalizeEmbeddings) {
    return new Distance(Kind.SQUARED_L2, normalizeEmbeddings, 1);
  }

  public Kind kind() {
    return kind;
  }

  public boolean normalize() {
    return normalize;
  }

  public double power() {
    return power;
  }

  /** True when larger values mean closer (cosine, dot). */
  public boolean isSimilarity() {
    return kind == Kind.COSINE || kind == Kind.DOT;
  }

  irk_distance toNative() {
    return new irk_distance().kind(kind.ordinal()).normalize(normalize ? 1 : 0).power(power);
  }

  /** The [n x m] matrix between x [n x d] and y [m x d] (y null: y = x). */
  public Tensor pairwise(Tensor x, Tensor y) {
    return pairwise(Context.defaultCpu(), x, y);
  }

  public Tensor pairwise(Context ctx, Tensor x, Tensor y) {
    x = Views.float32(ctx, x, "x"); // bfloat16 / float16: widened once, the result is float32
    y = y == null ? null : Views.float32(ctx, y, "y");
    Views.Matrix a = Views.matrix(ctx, x, "x");
    Views.Matrix b = y == null ? null : Views.matrix(ctx, y, "y");
    if (b != null && b.cols() != a.cols())
      throw new IllegalArgumentException("x has " + a.cols() + " columns but y has " + b.cols());
    long m = b == null ? a.rows() : b.rows();
    Tensor out = torch.empty(new long[] {a.rows(), m}, x.options(), new MemoryFormatOptional());
    try (irk_distance dist = toNative()) {
      NativeStatus.check(Irkit.irk_pairwise(ctx.handle(), dist, a.data(), a.rows(),
          b == null ? null : b.data(), m, a.cols(), out.data_ptr_float()));
    }
    return out;
  }

  /** Array version: x is [n x d] row-major, y [m x d] or null; returns [n x m] row-major. */
  public float[] pairwise(float[] x, float[] y, int d) {
    int n = Views.rows(x, d, "x");
    int m = y == null ? n : Views.rows(y, d, "y");
    try (FloatPointer px = new FloatPointer(x);
        FloatPointer py = y == null ? null : new FloatPointer(y);
        FloatPointer out = new FloatPointer((long) n * m);
        irk_distance dist = toNative()) {
      NativeStatus.check(Irkit.irk_pairwise(Context.defaultCpu().handle(), dist, px, n, py, m, d, out));
      float[] result = new float[n * m];
      out.get(result);
      return result;
    }
  }

  @Override
  public String toString() {
    return kind + (normalize ? "(normalized" : "(raw") + (power != 1 ? ", power " + power + ")" : ")");
  }
}
