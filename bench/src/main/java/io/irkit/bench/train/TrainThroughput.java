package io.irkit.bench.train;

import io.irkit.kernels.TorchRuntime;
import io.irkit.trainer.TrainOptions;
import io.irkit.trainer.TrainStep;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Training-step throughput: irkit's trainer step ({@link TrainStep}: forward, irkit MS miner + MS loss
 * outside autograd, embeddings.backward(grad), Adam) against the same model, loss, optimizer and batch
 * in PyTorch Python ({@code bench/python/train_throughput.py --serve}), with the same thread count.
 * Timed windows alternate between the two (irkit first, then Python first, ...) after a warm-up, so
 * machine noise hits both alike; images/s is the median window. Run it with bench/train-throughput.sh.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.irkit.bench.train.TrainThroughput [--models resnet18,smallcnn]
 *     [--batch 32] [--size 64] [--dim 128] [--threads nproc] [--warmup 3] [--windows 7]
 *     [--window-seconds 3] [--python "/usr/bin/python3 bench/python/train_throughput.py"]
 * </pre>
 */
public final class TrainThroughput {
  private static final String[] PHASES = {"forward", "loss", "backward", "optimizer"};

  /** Seconds of each timed window and each phase's seconds summed over all windows. */
  private static final class Side {
    final List<Double> rates = new ArrayList<>();
    final double[] phaseSeconds = new double[TrainStep.PHASES];
    long steps;

    double median() {
      double[] r = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    String phases() {
      StringBuilder b = new StringBuilder();
      for (double s : phaseSeconds) b.append(String.format(" %7.1f", 1e3 * s / steps));
      return b.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    TorchRuntime.init();
    List<String[]> rows = new ArrayList<>();
    for (String model : a.models) rows.add(measure(model, a));
    System.out.printf("%nbatch %dx3x%dx%d, embedding dim %d, MS miner(0.1) + MS loss(2, 50, 0.5), Adam, %d threads, "
        + "%d windows, median images/s%n", a.batch, a.size, a.size, a.dim, a.threads, a.windows);
    System.out.println("| model | parameters | steps/window | irkit images/s | PyTorch images/s | irkit / PyTorch "
        + "| irkit ms/step fwd, loss, bwd, opt | PyTorch ms/step fwd, loss, bwd, opt |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String[] r : rows) System.out.println("| " + String.join(" | ", r) + " |");
  }

  private static String[] measure(String model, Args a) throws IOException {
    TrainOptions o = TrainOptions.parse("--arch", model, "--batch-size", "" + a.batch, "--embedding-dim", "" + a.dim,
        "--threads", "" + a.threads, "--optimizer", "adam", "--lr", "1e-4", "--loss", "MultiSimilarityLoss",
        "--loss-param", "alpha=2,beta=50,base=0.5", "--miner", "MultiSimilarityMiner", "--miner-param", "epsilon=0.1");
    Random rnd = new Random(0);
    float[] pixels = new float[a.batch * 3 * a.size * a.size];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextGaussian();
    long[] classes = new long[a.batch];
    for (int i = 0; i < a.batch; i++) classes[i] = i / 4; // m = 4 images per class
    List<String> cmd = new ArrayList<>(Arrays.asList(a.python.trim().split("\\s+")));
    cmd.addAll(List.of("--serve", "--model", model, "--batch", "" + a.batch, "--size", "" + a.size, "--dim", "" + a.dim,
        "--lr", "1e-4", "--threads", "" + a.threads));
    Process py = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (TrainStep step = new TrainStep(o, a.batch / 4);
         Tensor images = Tensor.create(pixels, a.batch, 3, a.size, a.size);
         Tensor labels = Tensor.create(classes);
         BufferedReader pyOut = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter pyIn = new PrintWriter(py.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String ready = pyOut.readLine();
      if (ready == null || !ready.startsWith("ready")) throw new IOException("python side did not start: " + ready);
      long params = step.model().parameters().stream().mapToLong(Tensor::numel).sum();
      System.err.printf("%s: irkit %d parameters; python %s%n", model, params, ready);
      long[] unused = new long[TrainStep.PHASES];
      long t = System.nanoTime();
      for (int i = 0; i < a.warmup; i++) step.run(images, labels, unused);
      double warmStep = (System.nanoTime() - t) / 1e9 / Math.max(1, a.warmup);
      python(pyIn, pyOut, a.warmup, null);
      int k = (int) Math.max(2, Math.round(a.windowSeconds / warmStep));
      Side irkit = new Side(), torch = new Side();
      for (int w = 0; w < a.windows; w++) {
        for (int turn = 0; turn < 2; turn++) {
          if ((turn == 0) == (w % 2 == 0)) {
            long[] nanos = new long[TrainStep.PHASES];
            long s = System.nanoTime();
            for (int i = 0; i < k; i++) step.run(images, labels, nanos);
            irkit.rates.add(k * a.batch / ((System.nanoTime() - s) / 1e9));
            for (int p = 0; p < nanos.length; p++) irkit.phaseSeconds[p] += nanos[p] / 1e9;
            irkit.steps += k;
          } else {
            torch.rates.add(k * a.batch / python(pyIn, pyOut, k, torch));
          }
        }
        System.err.printf("%s window %d/%d: irkit %.1f, PyTorch %.1f images/s%n", model, w + 1, a.windows,
            irkit.rates.get(w), torch.rates.get(w));
      }
      pyIn.println("quit");
      return new String[] {model, String.format("%,d", params), Integer.toString(k), String.format("%.1f", irkit.median()),
          String.format("%.1f", torch.median()), String.format("%.2fx", irkit.median() / torch.median()),
          irkit.phases().trim(), torch.phases().trim()};
    } finally {
      py.destroy();
    }
  }

  /** Runs k steps on the Python side; returns the window's seconds and adds its phases to side. */
  private static double python(PrintWriter in, BufferedReader out, int k, Side side) throws IOException {
    in.println("run " + k);
    String line = out.readLine();
    if (line == null || !line.startsWith("done ")) throw new IOException("python side failed: " + line);
    String[] f = line.split(" ");
    if (side != null) {
      for (int p = 0; p < PHASES.length; p++) side.phaseSeconds[p] += Double.parseDouble(f[2 + p]);
      side.steps += k;
    }
    return Double.parseDouble(f[1]);
  }

  private static final class Args {
    List<String> models = List.of("resnet18", "smallcnn");
    int batch = 32, size = 64, dim = 128, threads = Runtime.getRuntime().availableProcessors(), warmup = 3, windows = 7;
    double windowSeconds = 3;
    String python = "/usr/bin/python3 bench/python/train_throughput.py";

    Args(String[] args) {
      for (int i = 0; i + 1 < args.length; i += 2) {
        String v = args[i + 1];
        switch (args[i]) {
          case "--models" -> models = List.of(v.split(","));
          case "--batch" -> batch = Integer.parseInt(v);
          case "--size" -> size = Integer.parseInt(v);
          case "--dim" -> dim = Integer.parseInt(v);
          case "--threads" -> threads = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--windows" -> windows = Integer.parseInt(v);
          case "--window-seconds" -> windowSeconds = Double.parseDouble(v);
          case "--python" -> python = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
        }
      }
      if (args.length % 2 != 0) throw new IllegalArgumentException("options take one value each");
      if (batch % 4 != 0) throw new IllegalArgumentException("--batch must be a multiple of 4 (m = 4)");
    }
  }
}
