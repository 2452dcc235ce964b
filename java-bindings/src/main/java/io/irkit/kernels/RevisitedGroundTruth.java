package io.irkit.kernels;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ground truth of the Revisited Oxford/Paris protocol: for each query, the database ids that are
 * easy, hard and junk. Two file formats:
 * <ul>
 *   <li>JSON, as revisitop's gnd files: {@code {"gnd": [{"easy": [ids], "hard": [ids], "junk": [ids]}, ...]}}
 *       (other keys such as imlist, qimlist or bbx are ignored);
 *   <li>TSV: one line per query and kind, {@code query<TAB>easy|hard|junk<TAB>id,id,...} (ids may be
 *       empty; lines starting with # are comments; queries are numbered 0..n-1).
 * </ul>
 */
public record RevisitedGroundTruth(long[][] easy, long[][] hard, long[][] junk) {
  public RevisitedGroundTruth {
    if (easy.length != hard.length || easy.length != junk.length)
      throw new IllegalArgumentException("easy/hard/junk lists must cover the same queries");
  }

  public int numQueries() {
    return easy.length;
  }

  public static RevisitedGroundTruth read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".json") ? readJson(file) : readTsv(file);
  }

  static RevisitedGroundTruth readJson(Path file) throws IOException {
    JsonElement root = JsonParser.parseString(Files.readString(file));
    if (!root.isJsonObject() || !root.getAsJsonObject().has("gnd"))
      throw new IOException(file + ": expected an object with a \"gnd\" list");
    JsonArray gnd = root.getAsJsonObject().getAsJsonArray("gnd");
    int n = gnd.size();
    long[][] e = new long[n][], h = new long[n][], j = new long[n][];
    for (int q = 0; q < n; q++) {
      JsonObject g = gnd.get(q).getAsJsonObject();
      e[q] = ids(g, "easy", file, q);
      h[q] = ids(g, "hard", file, q);
      j[q] = ids(g, "junk", file, q);
    }
    return new RevisitedGroundTruth(e, h, j);
  }

  private static long[] ids(JsonObject g, String key, Path file, int q) throws IOException {
    if (!g.has(key)) throw new IOException(file + ": query " + q + " has no \"" + key + "\" list");
    JsonArray a = g.getAsJsonArray(key);
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
    return out;
  }

  static RevisitedGroundTruth readTsv(Path file) throws IOException {
    List<long[]> e = new ArrayList<>(), h = new ArrayList<>(), j = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file)) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.split("\t", -1);
      if (f.length != 3) throw new IOException(file + ":" + lineNo + ": expected query<TAB>kind<TAB>ids");
      int q;
      try {
        q = Integer.parseInt(f[0].trim());
      } catch (NumberFormatException ex) {
        throw new IOException(file + ":" + lineNo + ": query must be a number, got '" + f[0] + "'");
      }
      List<long[]> target = switch (f[1].trim()) {
        case "easy" -> e;
        case "hard" -> h;
        case "junk" -> j;
        default -> throw new IOException(file + ":" + lineNo + ": kind must be easy, hard or junk, got '" + f[1] + "'");
      };
      while (target.size() <= q) target.add(null);
      if (target.get(q) != null) throw new IOException(file + ":" + lineNo + ": query " + q + " " + f[1] + " listed twice");
      String ids = f[2].trim();
      target.set(q, ids.isEmpty() ? new long[0] : java.util.Arrays.stream(ids.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray());
    }
    int n = Math.max(e.size(), Math.max(h.size(), j.size()));
    return new RevisitedGroundTruth(fill(e, n), fill(h, n), fill(j, n));
  }

  private static long[][] fill(List<long[]> l, int n) {
    long[][] out = new long[n][];
    for (int q = 0; q < n; q++) out[q] = q < l.size() && l.get(q) != null ? l.get(q) : new long[0];
    return out;
  }
}
