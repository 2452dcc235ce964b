package io.irkit.conformance;

import io.irkit.kernels.MinedTuples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Short description of how two mined-tuple sets differ (first few extra and missing tuples). */
final class TupleDiff {
  private static final int SHOW = 5;

  private TupleDiff() {}

  static String describe(MinedTuples got, MinedTuples want) {
    if (got.kind() != want.kind()) return "kind " + got.kind() + " vs expected " + want.kind();
    if (got.kind() == MinedTuples.Kind.TRIPLETS) return part("triplets", got.triplets(), want.triplets());
    return part("pos", got.positivePairs(), want.positivePairs()) + " " + part("neg", got.negativePairs(), want.negativePairs());
  }

  private static String part(String name, long[][] got, long[][] want) {
    Set<List<Long>> g = toSet(got), w = toSet(want);
    List<List<Long>> extra = new ArrayList<>(), missing = new ArrayList<>();
    for (List<Long> t : g) if (!w.contains(t)) extra.add(t);
    for (List<Long> t : w) if (!g.contains(t)) missing.add(t);
    return String.format("%s: %d vs %d expected, extra %s, missing %s", name, got.length, want.length, head(extra), head(missing));
  }

  private static Set<List<Long>> toSet(long[][] rows) {
    Set<List<Long>> s = new LinkedHashSet<>();
    for (long[] r : rows) s.add(Arrays.stream(r).boxed().toList());
    return s;
  }

  private static String head(List<List<Long>> l) {
    return l.size() <= SHOW ? l.toString() : l.subList(0, SHOW) + "...(+" + (l.size() - SHOW) + ")";
  }
}
