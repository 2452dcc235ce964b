package io.irkit.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Checks every split must pass, given how to read a sample's original class off its path. */
final class SplitAssertions {
  private SplitAssertions() {}

  static TreeSet<String> classes(List<Sample> part, Function<Path, String> classOf) {
    TreeSet<String> s = new TreeSet<>(ClassSplit.CLASS_ORDER);
    for (Sample x : part) s.add(classOf.apply(x.path()));
    return s;
  }

  /** Parts are class-disjoint, files exist, labels are dense and follow class order in each part. */
  static void assertWellFormed(Split split, Function<Path, String> classOf) {
    List<Set<String>> parts = new ArrayList<>();
    for (List<Sample> part : List.of(split.train(), split.val(), split.test())) {
      TreeSet<String> cls = classes(part, classOf);
      parts.add(cls);
      Map<String, Long> expected = new HashMap<>();
      for (String c : cls) expected.put(c, (long) expected.size());
      for (Sample s : part) {
        assertTrue(Files.exists(s.path()), "missing " + s.path());
        assertEquals(expected.get(classOf.apply(s.path())), s.label(), "label of " + s.path());
      }
    }
    assertEquals(parts.get(0).size(), split.numTrainClasses());
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        Set<String> both = new TreeSet<>(parts.get(i));
        both.retainAll(parts.get(j));
        assertTrue(both.isEmpty(), "parts " + i + " and " + j + " share classes " + both);
      }
    }
  }

  /** Validation is exactly the last round(fraction * n) of the n non-test classes in class order. */
  static void assertValIsLastOfTrain(Split split, Function<Path, String> classOf, double fraction) {
    TreeSet<String> train = classes(split.train(), classOf), val = classes(split.val(), classOf);
    TreeSet<String> all = new TreeSet<>(ClassSplit.CLASS_ORDER);
    all.addAll(train);
    all.addAll(val);
    int nVal = (int) Math.round(fraction * all.size());
    List<String> order = new ArrayList<>(all);
    assertEquals(new TreeSet<>(order.subList(order.size() - nVal, order.size())), new TreeSet<>(val));
  }

  /** The name of the folder holding the file. */
  static String parentName(Path p) {
    return p.getParent().getFileName().toString();
  }
}
