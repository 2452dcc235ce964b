package io.irkit.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.irkit.kernels.ClassifierLoss;
import io.irkit.kernels.Distance;
import io.irkit.kernels.LossArrays;
import io.irkit.kernels.MinedTuples;
import io.irkit.kernels.Miner;
import io.irkit.kernels.Pml;
import io.irkit.kernels.RetrievalMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs every case x configuration of a reference directory (schema of shared/refs/pml-2.8.1) through
 * irkit and prints one line each with its max errors, then "N passed, M failed, K skipped".
 * Tolerances are the float32 ones of the refs README.
 */
public final class ConformanceRunner {
  public static final double LOSS_RTOL = 4e-5;
  public static final double GRAD_RTOL = 3e-6; // times max |reference gradient|
  public static final double METRIC_ATOL = 1e-9;
  /** PML computes the mean reciprocal rank in float32. */
  public static final double MRR_ATOL = 1e-6;
  private static final Pattern ACC_VARIANT =
      Pattern.compile("(faiss_l2|torch_cosine|torch_l2_unnormalized)_k_(none|max_bin_count|\\d+)(_avg_of_avgs)?");
  /** Reported for information only in the refs (faiss k-means): not a portable reference. */
  private static final String NON_PORTABLE = "clustering_informational";

  public record Summary(int passed, int failed, int skipped) {
    public boolean ok() {
      return failed == 0 && passed > 0;
    }

    @Override
    public String toString() {
      return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }
  }

  private final PrintStream out;
  private int passed, failed, skipped;

  private ConformanceRunner(PrintStream out) {
    this.out = out;
  }

  public static Summary run(Path dir, PrintStream out) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a directory: " + dir);
    ConformanceRunner r = new ConformanceRunner(out);
    List<Path> losses = list(dir.resolve("losses"));
    List<Path> accuracy = list(dir.resolve("accuracy"));
    if (losses.isEmpty() && accuracy.isEmpty())
      throw new IllegalArgumentException(dir + " has no losses/*.json.gz or accuracy/*.json.gz cases");
    for (Path p : losses) r.lossCase(RefCase.read(p));
    for (Path p : accuracy) r.accuracyCase(RefCase.read(p));
    Summary s = new Summary(r.passed, r.failed, r.skipped);
    out.println(s);
    return s;
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches(".*\\.json(\\.gz)?")).sorted().toList();
    }
  }

  private void lossCase(JsonObject c) {
    String name = c.get("case").getAsString();
    float[] emb = RefCase.matrix(c.get("embeddings"));
    long[] labels = RefCase.longs(c.get("labels"));
    int d = RefCase.cols(c.get("embeddings"));
    for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("results").entrySet()) {
      JsonObject res = e.getValue().getAsJsonObject();
      String line = name + " " + e.getKey();
      check(line, () -> lossConfig(c, res, emb, labels, d, line));
    }
  }

  /** Runs one check: an unsupported configuration is a skip, any other exception a failure. */
  private void check(String line, Runnable body) {
    try {
      body.run();
    } catch (UnsupportedOperationException ex) {
      skipped++;
      out.println("SKIP " + line + ": " + ex.getMessage());
    } catch (RuntimeException ex) {
      failed++;
      out.println("FAIL " + line + ": " + ex);
    }
  }

  private void lossConfig(JsonObject c, JsonObject res, float[] emb, long[] labels, int d, String line) {
    Map<String, Object> lossCfg = RefCase.map(res.get("loss"));
    Map<String, Object> minerCfg = RefCase.map(res.get("miner"));
    JsonObject want = res.getAsJsonObject("float32");
    StringBuilder detail = new StringBuilder();
    boolean ok = true;
    MinedTuples tuples = null;
    if (minerCfg != null) {
      Miner miner = Pml.miner(minerCfg);
      tuples = miner.mine(emb, labels, d);
      MinedTuples expected = expectedTuples(want.getAsJsonObject("mined"));
      boolean same = expected.equals(tuples);
      ok &= same;
      detail.append(same ? " mined=identical" : " mined=DIFFERENT " + TupleDiff.describe(tuples, expected));
    }
    LossArrays got;
    float[] weights = null;
    if (Pml.isClassifierLoss(lossCfg)) {
      String key = res.get("weights_key").getAsString();
      JsonElement w = c.getAsJsonObject("weights").get(key);
      long numClasses = c.get("num_classes_for_classifier_losses").getAsLong();
      ClassifierLoss loss = Pml.classifierLoss(lossCfg, numClasses, d);
      weights = RefCase.matrix(w);
      got = loss.compute(emb, labels, weights, tuples);
    } else {
      got = Pml.loss(lossCfg).compute(emb, labels, d, tuples);
    }
    double wantLoss = want.get("loss").getAsDouble();
    double lossErr = Math.abs(got.loss() - wantLoss);
    boolean lossOk = lossErr <= LOSS_RTOL * Math.abs(wantLoss) + 1e-7;
    ok &= lossOk;
    detail.insert(0, String.format(" loss=%.8g want=%.8g rel_err=%.2e", got.loss(), wantLoss, lossErr / Math.max(Math.abs(wantLoss), 1e-30)));
    double gradErr = relMaxError(got.grad(), RefCase.matrix(want.get("grad")));
    ok &= gradErr <= GRAD_RTOL;
    detail.append(String.format(" grad_err/max=%.2e", gradErr));
    if (weights != null) {
      double wErr = relMaxError(got.gradWeights(), RefCase.matrix(want.get("grad_weights")));
      ok &= wErr <= GRAD_RTOL;
      detail.append(String.format(" grad_weights_err/max=%.2e", wErr));
    }
    count(ok, line + detail);
  }

  /** max |got - want| / max |want| (absolute when want is all zeros). */
  static double relMaxError(float[] got, float[] want) {
    if (got.length != want.length) throw new IllegalStateException("gradient has " + got.length + " values, reference " + want.length);
    double maxWant = 0, maxErr = 0;
    for (int i = 0; i < want.length; i++) {
      maxWant = Math.max(maxWant, Math.abs(want[i]));
      double e = Math.abs((double) got[i] - want[i]);
      if (!(e <= maxErr)) maxErr = e; // NaN propagates as a failure
    }
    return maxWant > 0 ? maxErr / maxWant : (maxErr == 0 ? 0 : Double.POSITIVE_INFINITY);
  }

  private static MinedTuples expectedTuples(JsonObject mined) {
    if (mined.get("kind").getAsString().equals("triplets")) return MinedTuples.triplets(RefCase.tuples(mined.get("triplets")));
    return MinedTuples.pairs(RefCase.tuples(mined.get("pos")), RefCase.tuples(mined.get("neg")));
  }

  private void accuracyCase(JsonObject c) {
    String name = c.get("case").getAsString();
    float[] query = RefCase.matrix(c.get("query"));
    int d = RefCase.cols(c.get("query"));
    long[] ql = RefCase.longs(c.get("query_labels"));
    boolean self = c.get("reference") == null || c.get("reference").isJsonNull();
    float[] ref = self ? null : RefCase.matrix(c.get("reference"));
    long[] rl = self ? null : RefCase.longs(c.get("reference_labels"));
    for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("metrics").entrySet()) {
      String line = name + " " + e.getKey();
      if (e.getKey().equals(NON_PORTABLE)) {
        out.println("INFO " + line + ": not a portable reference (faiss k-means), not compared");
        continue;
      }
      Matcher m = ACC_VARIANT.matcher(e.getKey());
      if (!m.matches()) {
        skipped++;
        out.println("SKIP " + line + ": unknown accuracy variant");
        continue;
      }
      check(line, () -> accuracyVariant(m, e.getValue().getAsJsonObject(), query, ql, ref, rl, d, line));
    }
  }

  private void accuracyVariant(Matcher m, JsonObject expected, float[] query, long[] ql, float[] ref, long[] rl, int d,
      String line) {
    // faiss's IndexFlatL2 ranks by squared distance, which keeps apart pairs whose square roots round equal.
    Distance dist = switch (m.group(1)) {
      case "torch_cosine" -> Distance.cosine();
      case "faiss_l2" -> Distance.squaredL2(false);
      default -> Distance.lp(false, 1);
    };
    int k = switch (m.group(2)) {
      case "none" -> RetrievalMetrics.K_ALL;
      case "max_bin_count" -> RetrievalMetrics.K_MAX_BIN_COUNT;
      default -> Integer.parseInt(m.group(2));
    };
    RetrievalMetrics.Result r = RetrievalMetrics.evaluate(io.irkit.kernels.Context.defaultCpu(), dist, query, ql, ref, rl,
        d, k, m.group(3) != null);
    Map<String, Double> got = r.asMap();
    StringBuilder detail = new StringBuilder();
    boolean ok = true;
    for (Map.Entry<String, JsonElement> metric : expected.entrySet()) {
      Double g = got.get(metric.getKey());
      if (g == null) throw new UnsupportedOperationException("metric " + metric.getKey() + " is not computed by irkit");
      double err = Math.abs(g - metric.getValue().getAsDouble());
      ok &= err <= (metric.getKey().equals("mean_reciprocal_rank") ? MRR_ATOL : METRIC_ATOL);
      detail.append(String.format(" %s=%.6f(err %.1e)", metric.getKey(), g, err));
    }
    count(ok, line + detail);
  }

  private void count(boolean ok, String line) {
    if (ok) passed++;
    else failed++;
    out.println((ok ? "PASS " : "FAIL ") + line);
  }

  /** Command-line entry: exits non-zero on any failure. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ConformanceRunner DIR");
      System.exit(2);
    }
    System.exit(run(Path.of(args[0]), System.out).ok() ? 0 : 1);
  }
}
