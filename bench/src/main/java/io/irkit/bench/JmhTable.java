package io.irkit.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns JMH's JSON results (-rf json) into the Markdown table of BENCHMARKS.md: one row per kernel
 * and size with the irkit, LibTorch-ops and matmul times, both ratios, and whether the issue's
 * target for that row is met. Usage: {@code java -cp benchmarks.jar io.irkit.bench.JmhTable result.json [more.json...]}
 * (several files: their rows together).
 */
public final class JmhTable {
  private static final Set<String> SIZE_PARAMS = Set.of("B", "N", "d", "threads");

  private JmhTable() {}

  /** One kernel at one size; times in ms (NaN when that method did not run). */
  static final class Row {
    final String kernel, size, d, threads;
    final double[] ms = {Double.NaN, Double.NaN, Double.NaN};
    final double[] err = {Double.NaN, Double.NaN, Double.NaN};

    Row(String kernel, String size, String d, String threads) {
      this.kernel = kernel;
      this.size = size;
      this.d = d;
      this.threads = threads;
    }

    double speedup() {
      return ms[1] / ms[0];
    }

    double overFloor() {
      return ms[0] / ms[2];
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: java -cp benchmarks.jar io.irkit.bench.JmhTable <jmh-result.json>...");
      System.exit(2);
    }
    JsonArray runs = new JsonArray();
    for (String file : args)
      try (Reader r = Files.newBufferedReader(Path.of(file))) {
        runs.addAll(JsonParser.parseReader(r).getAsJsonArray());
      }
    System.out.print(markdown(rows(runs)));
  }

  static List<Row> rows(JsonArray runs) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (JsonElement e : runs) {
      JsonObject run = e.getAsJsonObject();
      String benchmark = run.get("benchmark").getAsString(); // io.irkit.bench.XBench.method
      String[] parts = benchmark.split("\\.");
      String method = parts[parts.length - 1];
      int column = List.of("irkit", "libtorch", "matmul").indexOf(method);
      if (column < 0) continue;
      Map<String, String> params = new LinkedHashMap<>();
      if (run.has("params"))
        for (Map.Entry<String, JsonElement> p : run.getAsJsonObject("params").entrySet()) params.put(p.getKey(), p.getValue().getAsString());
      String kernel = kernelName(parts[parts.length - 2], params);
      String size = params.getOrDefault("B", params.getOrDefault("N", "-"));
      String d = params.getOrDefault("d", "-"), threads = params.getOrDefault("threads", "-");
      Row row = rows.computeIfAbsent(kernel + "|" + size + "|" + d + "|" + threads, k -> new Row(kernel, size, d, threads));
      JsonObject metric = run.getAsJsonObject("primaryMetric");
      double toMs = msPer(metric.get("scoreUnit").getAsString());
      row.ms[column] = metric.get("score").getAsDouble() * toMs;
      JsonElement error = metric.get("scoreError");
      row.err[column] = error == null || !error.isJsonPrimitive() ? Double.NaN : error.getAsDouble() * toMs;
    }
    return new ArrayList<>(rows.values());
  }

  /** "MsMinerLossBench" -> "MsMinerLoss"; other params (loss, miner, distance) go in brackets. */
  static String kernelName(String benchClass, Map<String, String> params) {
    String name = benchClass.endsWith("Bench") ? benchClass.substring(0, benchClass.length() - 5) : benchClass;
    List<String> extra = new ArrayList<>();
    for (Map.Entry<String, String> p : params.entrySet()) if (!SIZE_PARAMS.contains(p.getKey())) extra.add(p.getValue());
    return extra.isEmpty() ? name : name + "(" + String.join(", ", extra) + ")";
  }

  private static double msPer(String unit) {
    return switch (unit) {
      case "s/op" -> 1e3;
      case "ms/op" -> 1.0;
      case "us/op" -> 1e-3;
      case "ns/op" -> 1e-6;
      default -> throw new IllegalArgumentException("unsupported score unit " + unit + " (use -bm avgt)");
    };
  }

  /**
   * The targets, same run: MS miner + loss and batch-hard triplet at B=1024, d=512 at least
   * 5x faster than LibTorch ops and within 2.5x of the matmul; kNN + metrics at N=20000, d=128
   * within 2x of the matmul. "-" where no target applies, "n/a" where a needed time is missing;
   * "(within noise)" when the verdict flips somewhere inside JMH's error bars.
   */
  static String target(Row r) {
    Boolean nominal = met(r, 0);
    if (nominal == null) return applies(r) ? "n/a" : "-";
    String verdict = nominal ? "yes" : "no";
    return met(r, -1).equals(met(r, 1)) ? verdict : verdict + " (within noise)";
  }

  private static boolean applies(Row r) {
    boolean headline = (r.kernel.equals("MsMinerLoss") || r.kernel.equals("BatchHardTriplet")) && r.size.equals("1024") && r.d.equals("512");
    return headline || knnTarget(r);
  }

  private static boolean knnTarget(Row r) {
    return r.kernel.equals("KnnMetrics") && r.size.equals("20000") && r.d.equals("128");
  }

  /** side 0: the scores; +1: irkit at score - error, the others at score + error; -1: the reverse. */
  private static Boolean met(Row r, int side) {
    if (!applies(r)) return null;
    double[] t = new double[3];
    for (int i = 0; i < 3; i++) {
      double e = Double.isNaN(r.err[i]) ? 0 : r.err[i];
      t[i] = Math.max(1e-9, r.ms[i] + (i == 0 ? -side : side) * e);
    }
    double speedup = t[1] / t[0], overFloor = t[0] / t[2];
    if (knnTarget(r)) return Double.isNaN(overFloor) ? null : overFloor <= 2;
    return Double.isNaN(speedup) || Double.isNaN(overFloor) ? null : speedup >= 5 && overFloor <= 2.5;
  }

  static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| kernel | B (N) | d | threads | irkit ms | LibTorch-ops ms | matmul ms | LibTorch-ops / irkit | irkit / matmul | target met |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n");
    for (Row r : rows) {
      sb.append("| ").append(r.kernel).append(" | ").append(r.size).append(" | ").append(r.d).append(" | ").append(r.threads)
          .append(" | ").append(time(r, 0)).append(" | ").append(time(r, 1)).append(" | ").append(time(r, 2))
          .append(" | ").append(ratio(r.speedup())).append(" | ").append(ratio(r.overFloor()))
          .append(" | ").append(target(r)).append(" |\n");
    }
    return sb.toString();
  }

  private static String time(Row r, int column) {
    if (Double.isNaN(r.ms[column])) return "-";
    String t = number(r.ms[column]);
    return Double.isNaN(r.err[column]) ? t : t + " ± " + number(r.err[column]);
  }

  private static String ratio(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
  }

  /** Three significant digits, no exponent. */
  private static String number(double v) {
    if (v == 0) return "0";
    int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
