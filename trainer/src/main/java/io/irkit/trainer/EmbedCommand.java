package io.irkit.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Embed a split with a trained run and write OUT/embeddings.npy (float32 [N x D]),",
        "OUT/labels.npy (int64 [N]) and OUT/paths.txt, for FAISS or numpy."})
final class EmbedCommand implements Callable<Integer> {
  @Mixin
  RunTarget target;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Mixin
  TrainOptions options;

  @Override
  public Integer call() throws Exception {
    options.validate();
    try (Loaded l = Loaded.open(target.checkpoint(), options)) {
      List<io.irkit.trainer.data.Sample> samples = l.samples(target.split);
      Evaluation.Embedded e = l.embed(samples);
      Files.createDirectories(out);
      Npy.write(out.resolve("embeddings.npy"), e.embeddings(), e.size(), e.dim());
      Npy.write(out.resolve("labels.npy"), e.labels(), e.size());
      AtomicFiles.writeString(out.resolve("paths.txt"),
          samples.stream().map(s -> s.path().toString()).collect(Collectors.joining("\n")) + "\n");
      System.out.printf("wrote %d embeddings of size %d to %s%n", e.size(), e.dim(), out);
    }
    return 0;
  }
}
