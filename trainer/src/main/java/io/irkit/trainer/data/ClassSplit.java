package io.irkit.trainer.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** Turns named classes into a {@link Split}: picks test classes, carves validation, assigns dense labels. */
final class ClassSplit {
  /** Class order: numerically where both names are integers (CUB/Cars/SOP ids), else by string. */
  static final Comparator<String> CLASS_ORDER = (a, b) -> {
    Long x = asLong(a), y = asLong(b);
    if (x != null && y != null) return x.compareTo(y);
    if (x != null) return -1;
    if (y != null) return 1;
    return a.compareTo(b);
  };

  private ClassSplit() {}

  /** Test = the entries whose class is in testClasses, train = the rest; then {@link #fromLists}. */
  static Split byClasses(List<Entry> entries, Set<String> testClasses, double valFraction) {
    List<Entry> train = new ArrayList<>(), test = new ArrayList<>();
    for (Entry e : entries) (testClasses.contains(e.cls()) ? test : train).add(e);
    return fromLists(train, test, valFraction);
  }

  /**
   * Validation = the last round(valFraction * n) of the n training classes in {@link #CLASS_ORDER}
   * (at least one class stays in train). Labels are dense per part, in class order; entry order is kept.
   */
  static Split fromLists(List<Entry> train, List<Entry> test, double valFraction) {
    List<String> trainClasses = sortedClasses(train);
    if (trainClasses.isEmpty()) throw new IllegalArgumentException("the split has no training classes");
    int nVal = (int) Math.round(valFraction * trainClasses.size());
    nVal = Math.min(nVal, trainClasses.size() - 1);
    int nTrain = trainClasses.size() - nVal;
    Set<String> valClasses = new LinkedHashSet<>(trainClasses.subList(nTrain, trainClasses.size()));
    List<Entry> keep = new ArrayList<>(), val = new ArrayList<>();
    for (Entry e : train) (valClasses.contains(e.cls()) ? val : keep).add(e);
    return new Split(dense(keep), dense(val), dense(test), nTrain);
  }

  /** A seeded choice of round(fraction * n) classes (at least one, at most n-1). */
  static Set<String> seededTestClasses(Collection<String> classes, double fraction, long seed) {
    List<String> order = sorted(classes);
    if (order.size() < 2) {
      throw new IllegalArgumentException("need at least 2 classes to split, found " + order.size());
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      String t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    int n = (int) Math.max(1, Math.min(order.size() - 1, Math.round(fraction * order.size())));
    return new LinkedHashSet<>(order.subList(0, n));
  }

  /** The explicit test classes of opts, each checked to exist; or the fallback where none are given. */
  static Set<String> testClasses(SplitOptions opts, Collection<String> allClasses, Set<String> fallback) {
    if (opts.testClasses().isEmpty()) return fallback;
    Set<String> known = new HashSet<>(allClasses);
    List<String> unknown = opts.testClasses().stream().filter(c -> !known.contains(c)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown test classes " + unknown + " (the dataset has "
          + known.size() + " classes)");
    }
    return new LinkedHashSet<>(opts.testClasses());
  }

  static List<String> sortedClasses(List<Entry> entries) {
    return sorted(entries.stream().map(Entry::cls).toList());
  }

  static List<String> sorted(Collection<String> classes) {
    TreeSet<String> s = new TreeSet<>(CLASS_ORDER);
    s.addAll(classes);
    return new ArrayList<>(s);
  }

  private static List<Sample> dense(List<Entry> entries) {
    Map<String, Long> label = new HashMap<>();
    for (String c : sortedClasses(entries)) label.put(c, (long) label.size());
    List<Sample> out = new ArrayList<>(entries.size());
    for (Entry e : entries) out.add(new Sample(e.path(), label.get(e.cls())));
    return out;
  }

  private static Long asLong(String s) {
    if (s.isEmpty() || s.length() > 18) return null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return null;
    }
    return Long.parseLong(s);
  }
}
