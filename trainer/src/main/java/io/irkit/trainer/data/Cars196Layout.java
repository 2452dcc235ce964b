package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Struct;

/**
 * Cars196 (Stanford Cars): cars_annos.mat, whose struct array {@code annotations} has
 * relative_im_path (e.g. car_ims/000001.jpg, relative to root) and class (1-196). Classes 1-98 train,
 * 99-196 test (the metric-learning protocol, which ignores the file's own train/test flag).
 */
final class Cars196Layout {
  static final int FIRST_TEST_CLASS = 99;

  private Cars196Layout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    Path mat = Files.isDirectory(root) ? root.resolve("cars_annos.mat") : root;
    Path base = mat.toAbsolutePath().getParent();
    List<Entry> entries = new ArrayList<>();
    try (MatFile file = Mat5.readFromFile(mat.toFile())) {
      Struct ann = file.getStruct("annotations");
      for (int i = 0; i < ann.getNumElements(); i++) {
        String rel = ann.getChar("relative_im_path", i).getString().strip();
        long cls = ann.getMatrix("class", i).getLong(0);
        entries.add(new Entry(base.resolve(rel), Long.toString(cls)));
      }
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new IOException(mat + " is not a cars_annos.mat with an 'annotations' struct: " + e.getMessage(), e);
    }
    List<String> classes = ClassSplit.sortedClasses(entries);
    Set<String> protocol = new LinkedHashSet<>();
    for (String c : classes) if (Long.parseLong(c) >= FIRST_TEST_CLASS) protocol.add(c);
    return ClassSplit.byClasses(entries, ClassSplit.testClasses(opts, classes, protocol), opts.valFraction());
  }
}
