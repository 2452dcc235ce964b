package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** root/&lt;class&gt;/&lt;image&gt;: one folder per class; a seeded fraction of the classes is test. */
final class ImageFolderLayout {
  static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "ppm", "pgm", "pbm", "jp2");

  private ImageFolderLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    List<Entry> entries = scan(root);
    List<String> classes = ClassSplit.sortedClasses(entries);
    var test = ClassSplit.testClasses(opts, classes,
        ClassSplit.seededTestClasses(classes, opts.testFraction(), opts.seed()));
    return ClassSplit.byClasses(entries, test, opts.valFraction());
  }

  /** Every image under each class folder (hidden files and folders left out), sorted by name. */
  static List<Entry> scan(Path root) throws IOException {
    if (!Files.isDirectory(root)) throw new IOException("not a directory: " + root);
    List<Entry> out = new ArrayList<>();
    for (Path dir : sortedChildren(root)) {
      if (!Files.isDirectory(dir) || hidden(dir)) continue;
      String cls = dir.getFileName().toString();
      for (Path f : sortedChildren(dir)) {
        if (Files.isRegularFile(f) && !hidden(f) && isImage(f)) out.add(new Entry(f, cls));
      }
    }
    if (out.isEmpty()) throw new IOException("no images in class folders under " + root);
    return out;
  }

  static boolean isImage(Path f) {
    String n = f.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
