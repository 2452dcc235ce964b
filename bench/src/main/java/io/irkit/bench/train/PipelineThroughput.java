package io.irkit.bench.train;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.irkit.kernels.TorchRuntime;
import io.irkit.trainer.DataPipeline;
import io.irkit.trainer.TrainOptions;
import io.irkit.trainer.data.Batch;
import io.irkit.trainer.data.BatchLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Data-pipeline throughput: decode + augment + batch images/s through the trainer's own
 * {@link DataPipeline} (sampler, OpenCV decoder, transforms, BatchLoader worker pool), consumed as fast
 * as possible, for 1 worker and for the given worker counts. Setups: the demo config
 * (configs/emoji-demo.yaml: 48 px, crop scale 0.5-1, flip, color jitter 0.1) and a typical 224 setup
 * (random resized crop 0.08-1, flip, normalize); data: the emoji set (64x64 PNGs) and 224x224 JPEGs
 * written at start into a temp dir (deleted at exit).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.irkit.bench.train.PipelineThroughput [--emoji data/emoji]
 *     [--jpegs 2000] [--workers 1,2] [--batches 40] [--config configs/emoji-demo.yaml]
 * </pre>
 */
public final class PipelineThroughput {
  private static final String[] SETUP_224 = {"--image-size", "224", "--min-crop-scale", "0.08", "--color-jitter", "0"};

  public static void main(String[] args) throws Exception {
    Path emoji = Path.of("data/emoji"), config = Path.of("configs/emoji-demo.yaml");
    int jpegs = 2000, batches = 40;
    List<Integer> workers = List.of(1, 2);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--emoji" -> emoji = Path.of(args[i + 1]);
        case "--jpegs" -> jpegs = Integer.parseInt(args[i + 1]);
        case "--workers" -> workers = Stream.of(args[i + 1].split(",")).map(Integer::valueOf).toList();
        case "--batches" -> batches = Integer.parseInt(args[i + 1]);
        case "--config" -> config = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
      }
    }
    TorchRuntime.init();
    Path dir = Files.createTempDirectory("irkit-jpegs");
    try {
      writeJpegs(dir, jpegs);
      String[] demo = {"--config", config.toString()};
      String[] jpegData = {"--dataset", "imagefolder", "--data-root", dir.toString()};
      System.out.println("| data | setup | batch | workers | images/s | images/s per worker |");
      System.out.println("|---|---|---|---|---|---|");
      for (int w : workers) {
        row("emoji 64x64 PNG", "demo config (48 px)", w, batches, demo);
        row("emoji 64x64 PNG", "224: crop 0.08-1, flip, normalize", w, batches, concat(demo, SETUP_224));
        row("224x224 JPEG", "demo config (48 px)", w, batches, concat(demo, jpegData));
        row("224x224 JPEG", "224: crop 0.08-1, flip, normalize", w, batches, concat(concat(demo, jpegData), SETUP_224));
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
  }

  private static void row(String data, String setup, int workers, int batches, String[] args) throws IOException {
    String[] all = concat(args, new String[] {"--workers", Integer.toString(workers), "--prefetch", Integer.toString(2 * workers)});
    TrainOptions o = TrainOptions.parse(all);
    double rate = imagesPerSecond(o, batches);
    System.out.printf("| %s | %s | %d | %d | %.0f | %.0f |%n", data, setup, o.batchSize, workers, rate, rate / workers);
  }

  /** Images/s of batches 5.. of epoch 0 (the first 5 warm up the JIT and fill the prefetch queue). */
  static double imagesPerSecond(TrainOptions o, int batches) throws IOException {
    int warmup = 5;
    try (DataPipeline data = new DataPipeline(o);
         BatchLoader it = data.trainBatches(0, 0)) {
      if (it.numBatches() < warmup + batches)
        throw new IllegalArgumentException("an epoch has only " + it.numBatches() + " batches");
      for (int b = 0; b < warmup; b++) it.next().close();
      long start = System.nanoTime();
      long images = 0;
      for (int b = 0; b < batches; b++) {
        try (Batch batch = it.next()) {
          images += batch.size();
        }
      }
      return images / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** n smooth random 224x224 JPEGs (quality 90), 4 per class folder, like downscaled photos. */
  private static void writeJpegs(Path dir, int n) throws IOException {
    Random rnd = new Random(0);
    byte[] small = new byte[16 * 16 * 3];
    for (int i = 0; i < n; i++) {
      Path cls = Files.createDirectories(dir.resolve(String.format("c%04d", i / 4)));
      rnd.nextBytes(small);
      try (BytePointer p = new BytePointer(small); Mat tiny = new Mat(16, 16, CV_8UC3, p); Mat img = new Mat()) {
        resize(tiny, img, new Size(224, 224), 0, 0, INTER_CUBIC);
        if (!imwrite(cls.resolve(i + ".jpg").toString(), img)) throw new IOException("cannot write " + cls);
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }
}
