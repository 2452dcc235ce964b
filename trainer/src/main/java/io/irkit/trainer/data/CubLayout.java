package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CUB-200-2011: images.txt ({@code id relpath}), image_class_labels.txt ({@code id class}) and
 * images/. Root is the CUB_200_2011 folder or its parent. Classes 1-100 train, 101-200 test (the
 * metric-learning protocol); class names are the ids.
 */
final class CubLayout {
  static final int FIRST_TEST_CLASS = 101;

  private CubLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    if (!Files.exists(root.resolve("images.txt")) && Files.exists(root.resolve("CUB_200_2011/images.txt"))) {
      root = root.resolve("CUB_200_2011");
    }
    Map<String, String> classOf = new HashMap<>();
    for (String[] row : rows(root.resolve("image_class_labels.txt"))) classOf.put(row[0], row[1]);
    List<Entry> entries = new ArrayList<>();
    Path images = root.resolve("images");
    for (String[] row : rows(root.resolve("images.txt"))) {
      String cls = classOf.get(row[0]);
      if (cls == null) throw new IOException("image id " + row[0] + " has no class in image_class_labels.txt");
      entries.add(new Entry(images.resolve(row[1]), cls));
    }
    List<String> classes = ClassSplit.sortedClasses(entries);
    Set<String> protocol = new LinkedHashSet<>();
    for (String c : classes) if (Integer.parseInt(c) >= FIRST_TEST_CLASS) protocol.add(c);
    return ClassSplit.byClasses(entries, ClassSplit.testClasses(opts, classes, protocol), opts.valFraction());
  }

  /** Whitespace-separated rows of at least two fields; the second field runs to the end of the line. */
  static List<String[]> rows(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String t = line.strip();
      if (t.isEmpty()) continue;
      String[] f = t.split("\\s+", 2);
      if (f.length < 2) throw new IOException(file + ":" + n + ": expected two fields");
      out.add(f);
    }
    return out;
  }
}
