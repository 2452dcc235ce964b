package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_tuples;
import java.util.Arrays;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PML's {@code indices_tuple}: either pairs (anchor, positive) + (anchor, negative), or triplets
 * (anchor, positive, negative). Anchors index the query batch, the others the reference set.
 */
public final class MinedTuples {
  public enum Kind { PAIRS, TRIPLETS }

  private final Kind kind;
  private final long[] pos; // flat [numPos x 2]
  private final long[] neg; // flat [numNeg x 2]
  private final long[] triplets; // flat [numTriplets x 3]

  private MinedTuples(Kind kind, long[] pos, long[] neg, long[] triplets) {
    this.kind = kind;
    this.pos = pos;
    this.neg = neg;
    this.triplets = triplets;
  }

  public static MinedTuples pairs(long[][] positives, long[][] negatives) {
    return new MinedTuples(Kind.PAIRS, flatten(positives, 2, "positive pair"), flatten(negatives, 2, "negative pair"), new long[0]);
  }

  public static MinedTuples triplets(long[][] triplets) {
    return new MinedTuples(Kind.TRIPLETS, new long[0], new long[0], flatten(triplets, 3, "triplet"));
  }

  static MinedTuples ofView(irk_tuples view) {
    if (view.kind() == Irkit.IRK_TUPLES_PAIRS)
      return new MinedTuples(Kind.PAIRS, copy(view.pos(), view.n_pos() * 2), copy(view.neg(), view.n_neg() * 2), new long[0]);
    return new MinedTuples(Kind.TRIPLETS, new long[0], new long[0], copy(view.triplets(), view.n_triplets() * 3));
  }

  public Kind kind() {
    return kind;
  }

  public int numPositivePairs() {
    return pos.length / 2;
  }

  public int numNegativePairs() {
    return neg.length / 2;
  }

  public int numTriplets() {
    return triplets.length / 3;
  }

  public long[][] positivePairs() {
    return unflatten(pos, 2);
  }

  public long[][] negativePairs() {
    return unflatten(neg, 2);
  }

  public long[][] triplets() {
    return unflatten(triplets, 3);
  }

  /**
   * An irk_tuples over copies of the indices, for a call on {@code ctx}; close it after the call.
   * Host memory for a CPU context (or a null {@code like}); for a CUDA context int64 tensors on the
   * device of {@code like} (a CUDA kernel cannot read host memory).
   */
  Native toNative(Context ctx, Tensor like) {
    return new Native(this, ctx.isCuda() ? like : null);
  }

  static final class Native implements AutoCloseable {
    final irk_tuples tuples = new irk_tuples();
    private final LongPointer p, n, t;
    private final Tensor[] onDevice; // kept alive for the call

    private Native(MinedTuples m, Tensor like) {
      if (like == null) {
        onDevice = null;
        p = pointer(m.pos);
        n = pointer(m.neg);
        t = pointer(m.triplets);
      } else {
        onDevice = new Tensor[] {onDevice(m.pos, like), onDevice(m.neg, like), onDevice(m.triplets, like)};
        p = onDevice[0] == null ? null : onDevice[0].data_ptr_long();
        n = onDevice[1] == null ? null : onDevice[1].data_ptr_long();
        t = onDevice[2] == null ? null : onDevice[2].data_ptr_long();
      }
      tuples.kind(m.kind == Kind.PAIRS ? Irkit.IRK_TUPLES_PAIRS : Irkit.IRK_TUPLES_TRIPLETS)
          .pos(p).n_pos(m.pos.length / 2).neg(n).n_neg(m.neg.length / 2)
          .triplets(t).n_triplets(m.triplets.length / 3);
    }

    private static LongPointer pointer(long[] v) {
      return v.length == 0 ? null : new LongPointer(v);
    }

    private static Tensor onDevice(long[] v, Tensor like) {
      return v.length == 0 ? null : Tensor.create(v).to(like.device(), ScalarType.Long);
    }

    @Override
    public void close() {
      if (onDevice == null) for (LongPointer lp : new LongPointer[] {p, n, t}) if (lp != null) lp.close();
      tuples.close();
    }
  }

  private static long[] copy(LongPointer p, long count) {
    long[] out = new long[Math.toIntExact(count)];
    if (count > 0) p.get(out);
    return out;
  }

  private static long[] flatten(long[][] rows, int width, String what) {
    if (rows == null) throw new IllegalArgumentException(what + " list is null");
    long[] out = new long[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != width)
        throw new IllegalArgumentException(what + " " + i + " must have " + width + " indices");
      System.arraycopy(rows[i], 0, out, i * width, width);
    }
    return out;
  }

  private static long[][] unflatten(long[] flat, int width) {
    long[][] out = new long[flat.length / width][];
    for (int i = 0; i < out.length; i++) out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinedTuples other && kind == other.kind && Arrays.equals(pos, other.pos)
        && Arrays.equals(neg, other.neg) && Arrays.equals(triplets, other.triplets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pos) * 31 + Arrays.hashCode(neg) * 7 + Arrays.hashCode(triplets) + kind.hashCode();
  }

  @Override
  public String toString() {
    return kind == Kind.PAIRS
        ? "pairs(pos=" + Arrays.deepToString(positivePairs()) + ", neg=" + Arrays.deepToString(negativePairs()) + ")"
        : "triplets(" + Arrays.deepToString(triplets()) + ")";
  }
}
