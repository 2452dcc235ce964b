package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * mAP of the Revisited Oxford/Paris protocol (Radenovic et al. 2018) for the Easy, Medium and Hard
 * setups, as revisitop's compute_map (fractions, not percentages; queries without positives skipped).
 */
public final class RevisitedMap {
  private RevisitedMap() {}

  public record Result(double easy, double medium, double hard) {}

  /** ranks: for each query, every database id best first (e.g. from {@link Knn} with k = m). */
  public static Result compute(long[][] ranks, RevisitedGroundTruth gt) {
    if (ranks.length != gt.numQueries())
      throw new IllegalArgumentException("ranks have " + ranks.length + " queries but the ground truth has " + gt.numQueries());
    if (ranks.length == 0) throw new IllegalArgumentException("no queries");
    int m = ranks[0].length;
    long[] flat = new long[ranks.length * m];
    for (int q = 0; q < ranks.length; q++) {
      if (ranks[q].length != m) throw new IllegalArgumentException("query " + q + " ranks " + ranks[q].length + " ids, query 0 ranks " + m);
      System.arraycopy(ranks[q], 0, flat, q * m, m);
    }
    try (LongPointer r = new LongPointer(flat);
        Csr e = new Csr(gt.easy()); Csr h = new Csr(gt.hard()); Csr j = new Csr(gt.junk());
        DoublePointer out = new DoublePointer(3)) {
      NativeStatus.check(Irkit.irk_revisited_map(Context.defaultCpu().handle(), r, ranks.length, m, e.off, e.ids, h.off,
          h.ids, j.off, j.ids, out));
      return new Result(out.get(0), out.get(1), out.get(2));
    }
  }

  /** Per-query id lists as CSR offsets + ids. */
  private static final class Csr implements AutoCloseable {
    final LongPointer off, ids;

    Csr(long[][] lists) {
      long[] o = new long[lists.length + 1];
      for (int q = 0; q < lists.length; q++) o[q + 1] = o[q] + lists[q].length;
      long[] all = new long[(int) o[lists.length]];
      for (int q = 0; q < lists.length; q++) System.arraycopy(lists[q], 0, all, (int) o[q], lists[q].length);
      off = new LongPointer(o);
      ids = new LongPointer(Math.max(1, all.length));
      if (all.length > 0) ids.put(all);
    }

    @Override
    public void close() {
      off.close();
      ids.close();
    }
  }
}
