package io.irkit.bench;

import io.irkit.kernels.Context;
import io.irkit.kernels.Distance;
import io.irkit.kernels.Knn;
import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * irkit cosine kNN over N = 1,000,000 random embeddings of d = 128, k = 10, reporting time and the
 * process's peak resident memory (VmHWM). All N queries by default (a self-search, each query left
 * out of its own list); {@code --queries Q} searches only the first Q rows against all N and
 * extrapolates the time to N queries. Exits 1 when the peak exceeds {@code --max-rss-gib}.
 *
 * <pre>java -cp benchmarks.jar io.irkit.bench.KnnMillion [--n 1000000] [--d 128] [--k 10]
 *     [--queries all|Q] [--threads T] [--max-rss-gib 24]</pre>
 */
public final class KnnMillion {
  private KnnMillion() {}

  public static void main(String[] args) throws IOException {
    long n = 1_000_000, queries = -1;
    int d = 128, k = 10, threads = Runtime.getRuntime().availableProcessors();
    double maxRssGib = 24;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) usage("missing value for " + args[i]);
      String v = args[i + 1];
      switch (args[i]) {
        case "--n" -> n = Long.parseLong(v);
        case "--d" -> d = Integer.parseInt(v);
        case "--k" -> k = Integer.parseInt(v);
        case "--queries" -> queries = v.equals("all") ? -1 : Long.parseLong(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--max-rss-gib" -> maxRssGib = Double.parseDouble(v);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (queries < 0 || queries >= n) queries = n;
    // JavaCPP would otherwise refuse allocations once LibTorch's memory passes its heap-based limit.
    if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null)
      System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");

    TorchRuntime.init();
    torch.set_num_threads(threads);
    torch.manual_seed(1);
    Tensor ref = torch.randn(n, d).contiguous();
    boolean self = queries == n;
    System.out.printf(Locale.ROOT, "reference: %d x %d float32 (%.0f MiB), k = %d, threads = %d, queries = %d%s%n", n, d,
        n * d * 4 / 1048576.0, k, threads, queries, self ? " (self-search)" : " (first rows, searched against all N)");
    System.out.printf(Locale.ROOT, "RSS before the search: %.2f GiB%n", kib("VmRSS") / 1048576.0);

    Knn.Result result;
    long start = System.nanoTime();
    try (Context ctx = Context.cpu(threads)) {
      result = Knn.search(ctx, Distance.cosine(), self ? ref : ref.narrow(0, 0, queries), self ? null : ref, k);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double peakGib = kib("VmHWM") / 1048576.0;

    System.out.printf(Locale.ROOT, "kNN time: %.1f s for %d queries (%.3f ms/query)%n", seconds, queries, 1e3 * seconds / queries);
    if (!self)
      System.out.printf(Locale.ROOT, "extrapolated to all %d queries: %.0f s (%.1f min)%n", n, seconds * n / queries, seconds * n / queries / 60);
    System.out.printf(Locale.ROOT, "first query: neighbours %d, %d, ... similarity %.4f, %.4f, ...%n", result.index(0, 0),
        result.index(0, 1), result.values()[0], result.values()[1]);
    System.out.printf(Locale.ROOT, "peak RSS (VmHWM): %.2f GiB (limit %.1f GiB): %s%n", peakGib, maxRssGib,
        peakGib <= maxRssGib ? "within" : "EXCEEDED");
    if (peakGib > maxRssGib) System.exit(1);
  }

  /** A "Vm..." line of /proc/self/status, in KiB. */
  private static long kib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status")))
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    throw new IOException(field + " not found in /proc/self/status");
  }

  private static void usage(String problem) {
    System.err.println(problem + "\nusage: java -cp benchmarks.jar io.irkit.bench.KnnMillion [--n 1000000] [--d 128] [--k 10]"
        + " [--queries all|Q] [--threads T] [--max-rss-gib 24]");
    System.exit(2);
  }
}
