package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iNaturalist-2018 retrieval split (the train/test class split of Brown et al., Smooth-AP, used by
 * PML): two lists of images, paths relative to root. Found as root/train.txt and root/test.txt, or as
 * the original Inaturalist_{train,test}_set1.txt in root or root/Inat_dataset_splits. A line is
 * {@code path class}, or just {@code path}, when the class is the image's folder name (the original lists:
 * train_val2018/&lt;supercategory&gt;/&lt;class&gt;/&lt;image&gt;.jpg).
 */
final class INatLayout {
  private INatLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    if (!opts.testClasses().isEmpty()) {
      throw new IllegalArgumentException("inat: the test classes are fixed by the test list; testClasses cannot be given");
    }
    return ClassSplit.fromLists(read(root, list(root, "train")), read(root, list(root, "test")), opts.valFraction());
  }

  private static Path list(Path root, String part) throws IOException {
    for (Path p : List.of(root.resolve(part + ".txt"),
        root.resolve("Inaturalist_" + part + "_set1.txt"),
        root.resolve("Inat_dataset_splits/Inaturalist_" + part + "_set1.txt"))) {
      if (Files.isRegularFile(p)) return p;
    }
    throw new IOException("no " + part + " list under " + root + " (expected " + part + ".txt or Inaturalist_"
        + part + "_set1.txt)");
  }

  private static List<Entry> read(Path root, Path file) throws IOException {
    List<Entry> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.isEmpty()) continue;
      String[] f = t.split("\\s+");
      Path p = root.resolve(f[0]);
      if (f.length == 1) {
        Path parent = Path.of(f[0]).getParent();
        if (parent == null) throw new IOException(file + ":" + (i + 1) + ": a path without a folder needs a class");
        out.add(new Entry(p, parent.getFileName().toString()));
      } else if (f.length == 2) {
        out.add(new Entry(p, f[1]));
      } else {
        throw new IOException(file + ":" + (i + 1) + ": expected 'path class' or 'path'");
      }
    }
    if (out.isEmpty()) throw new IOException(file + " lists no images");
    return out;
  }
}
