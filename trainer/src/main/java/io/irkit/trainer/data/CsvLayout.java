package io.irkit.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A CSV or TSV list of {@code path,label[,split]} rows. Root is the file, or a folder holding exactly
 * one .csv/.tsv. A first row whose first field is a path-like name (path, file, filename, image) is a
 * header, and then columns are found by name (path, label|class|class_id|category, split). Relative paths
 * are resolved against the file's folder. With a split column every row says train or test; without one,
 * a seeded fraction of the classes is test, as for imagefolder. Blank rows and rows starting with # are
 * skipped; fields may be double-quoted.
 */
final class CsvLayout {
  private static final Set<String> PATH_NAMES = Set.of("path", "file", "filename", "image", "image_path");
  private static final Set<String> LABEL_NAMES = Set.of("label", "class", "class_id", "category");

  private CsvLayout() {}

  static Split load(Path root, SplitOptions opts) throws IOException {
    Path file = Files.isDirectory(root) ? findList(root) : root;
    Path base = file.toAbsolutePath().getParent();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    char sep = file.toString().toLowerCase(Locale.ROOT).endsWith(".tsv")
        || (!lines.isEmpty() && lines.get(0).indexOf('\t') >= 0) ? '\t' : ',';
    int pathCol = 0, labelCol = 1, splitCol = 2, first = 0;
    while (first < lines.size() && skip(lines.get(first))) first++;
    if (first < lines.size()) {
      List<String> head = fields(lines.get(first), sep);
      if (PATH_NAMES.contains(head.get(0).trim().toLowerCase(Locale.ROOT))) {
        pathCol = column(head, PATH_NAMES, file, true);
        labelCol = column(head, LABEL_NAMES, file, true);
        splitCol = column(head, Set.of("split"), file, false);
        first++;
      }
    }
    List<Entry> train = new ArrayList<>(), test = new ArrayList<>(), all = new ArrayList<>();
    Boolean hasSplit = null;
    for (int i = first; i < lines.size(); i++) {
      if (skip(lines.get(i))) continue;
      List<String> f = fields(lines.get(i), sep);
      String where = file + ":" + (i + 1);
      if (f.size() <= Math.max(pathCol, labelCol)) throw new IOException(where + ": expected path and label");
      String label = f.get(labelCol).trim();
      if (label.isEmpty()) throw new IOException(where + ": empty label");
      Entry e = new Entry(base.resolve(f.get(pathCol).trim()).normalize(), label);
      all.add(e);
      String split = splitCol >= 0 && splitCol < f.size() ? f.get(splitCol).trim().toLowerCase(Locale.ROOT) : "";
      if (hasSplit == null) {
        hasSplit = !split.isEmpty();
      } else if (hasSplit == split.isEmpty()) {
        throw new IOException(where + ": every row must have a split value, or none");
      }
      if (!hasSplit) continue;
      switch (split) {
        case "train" -> train.add(e);
        case "test" -> test.add(e);
        default -> throw new IOException(where + ": split must be train or test, got '" + split + "'");
      }
    }
    if (all.isEmpty()) throw new IOException("no rows in " + file);
    if (hasSplit) {
      if (!opts.testClasses().isEmpty()) {
        throw new IllegalArgumentException(file + " has a split column; testClasses cannot be given too");
      }
      return ClassSplit.fromLists(train, test, opts.valFraction());
    }
    List<String> classes = ClassSplit.sortedClasses(all);
    var testClasses = ClassSplit.testClasses(opts, classes,
        ClassSplit.seededTestClasses(classes, opts.testFraction(), opts.seed()));
    return ClassSplit.byClasses(all, testClasses, opts.valFraction());
  }

  private static boolean skip(String line) {
    String t = line.trim();
    return t.isEmpty() || t.startsWith("#");
  }

  private static int column(List<String> head, Set<String> names, Path file, boolean required)
      throws IOException {
    for (int i = 0; i < head.size(); i++) {
      if (names.contains(head.get(i).trim().toLowerCase(Locale.ROOT))) return i;
    }
    if (required) throw new IOException(file + ": header has no column named one of " + names);
    return -1;
  }

  private static Path findList(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> lists = s.filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".csv") || n.endsWith(".tsv"));
      }).sorted().toList();
      if (lists.size() != 1) {
        throw new IOException(dir + " must hold exactly one .csv or .tsv file, found " + lists.size());
      }
      return lists.get(0);
    }
  }

  /** Splits one row; a field in double quotes may hold the separator, and "" inside it is a quote. */
  static List<String> fields(String line, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == sep) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
