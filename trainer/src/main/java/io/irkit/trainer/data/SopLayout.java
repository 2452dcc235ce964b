package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stanford Online Products: Ebay_train.txt and Ebay_test.txt under root, each with the header
 * {@code image_id class_id super_class_id path} and paths relative to root. The class is class_id.
 */
final class SopLayout {
  private SopLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    if (!opts.testClasses().isEmpty()) {
      throw new IllegalArgumentException("sop: the test classes are fixed by Ebay_test.txt; testClasses cannot be given");
    }
    return ClassSplit.fromLists(read(root, "Ebay_train.txt"), read(root, "Ebay_test.txt"), opts.valFraction());
  }

  private static List<Entry> read(Path root, String name) throws IOException {
    Path file = root.resolve(name);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) throw new IOException(file + " is empty");
    List<String> head = Arrays.asList(lines.get(0).strip().split("\\s+"));
    int classCol = head.indexOf("class_id"), pathCol = head.indexOf("path");
    if (classCol < 0 || pathCol < 0) throw new IOException(file + ": header lacks class_id or path: " + head);
    List<Entry> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.isEmpty()) continue;
      String[] f = t.split("\\s+");
      if (f.length <= Math.max(classCol, pathCol)) throw new IOException(file + ":" + (i + 1) + ": too few fields");
      out.add(new Entry(root.resolve(f[pathCol]), f[classCol]));
    }
    return out;
  }
}
