package io.irkit.trainer;

import com.google.gson.Gson;
import io.irkit.trainer.model.EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

/**
 * One checkpoint file (a zip): model weights, optimizer states, classifier weights and the loop
 * state, written atomically so a kill never leaves a half-written checkpoint.
 */
final class Checkpoint {
  private static final Gson JSON = new Gson();

  /** Where the loop is: the next batch to run is (epoch, batch). */
  record State(int epoch, int batch, long step, double bestValP1, int bestEpoch, int epochsWithoutImprovement) {}

  /** What a checkpoint holds besides the state; classifier parts may be null. */
  record Parts(EmbeddingModel model, Optimizer optimizer, Tensor classifierWeights, Optimizer classifierOptimizer) {}

  private Checkpoint() {}

  static void write(Path target, Parts p, State state) throws IOException {
    Path work = Files.createTempDirectory("irkit-ckpt");
    try {
      p.model().save(work.resolve("model.pt"));
      saveOptimizer(p.optimizer(), work.resolve("optimizer.pt"));
      if (p.classifierWeights() != null) {
        OutputArchive a = new OutputArchive();
        a.write("weights", p.classifierWeights().cpu()); // host bytes: a CPU-only machine can evaluate a GPU run
        a.save_to(work.resolve("classifier.pt").toString());
        saveOptimizer(p.classifierOptimizer(), work.resolve("classifier_optimizer.pt"));
      }
      Files.writeString(work.resolve("state.json"), JSON.toJson(state));
      AtomicFiles.write(target, tmp -> zip(work, tmp));
    } finally {
      deleteTree(work);
    }
  }

  /** Loads the parts present in the file into p (optimizers may be null to skip them). */
  static State read(Path source, Parts p) throws IOException {
    if (!Files.isRegularFile(source)) throw new IOException("checkpoint not found: " + source);
    Path work = Files.createTempDirectory("irkit-ckpt");
    try {
      unzip(source, work);
      p.model().load(work.resolve("model.pt"));
      if (p.optimizer() != null) loadOptimizer(p.optimizer(), work.resolve("optimizer.pt"));
      if (p.classifierWeights() != null) {
        Path w = work.resolve("classifier.pt");
        if (!Files.exists(w)) throw new IOException(source + " has no classifier weights but the loss needs them");
        InputArchive a = new InputArchive();
        a.load_from(w.toString());
        Tensor loaded = new Tensor();
        a.read("weights", loaded);
        try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
          p.classifierWeights().copy_(loaded);
        }
        if (p.classifierOptimizer() != null) loadOptimizer(p.classifierOptimizer(), work.resolve("classifier_optimizer.pt"));
      }
      return JSON.fromJson(Files.readString(work.resolve("state.json")), State.class);
    } finally {
      deleteTree(work);
    }
  }

  private static void saveOptimizer(Optimizer opt, Path file) {
    OutputArchive a = new OutputArchive();
    opt.save(a);
    a.save_to(file.toString());
  }

  private static void loadOptimizer(Optimizer opt, Path file) {
    InputArchive a = new InputArchive();
    a.load_from(file.toString());
    opt.load(a);
  }

  private static void zip(Path dir, Path zipFile) throws IOException {
    try (OutputStream os = Files.newOutputStream(zipFile); ZipOutputStream zos = new ZipOutputStream(os);
        Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        zos.putNextEntry(new ZipEntry(f.getFileName().toString()));
        Files.copy(f, zos);
        zos.closeEntry();
      }
    }
  }

  private static void unzip(Path zipFile, Path dir) throws IOException {
    try (ZipFile z = new ZipFile(zipFile.toFile(), StandardCharsets.UTF_8)) {
      for (var e : java.util.Collections.list(z.entries())) {
        Path out = dir.resolve(e.getName()).normalize();
        if (!out.startsWith(dir)) throw new IOException("bad entry in checkpoint: " + e.getName());
        try (InputStream in = z.getInputStream(e)) {
          Files.copy(in, out);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException("corrupt checkpoint " + zipFile + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
