package io.irkit.trainer.model;

import io.irkit.trainer.model.weights.SafetensorsReader;
import io.irkit.trainer.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NormalizeFuncOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Backbone, then Linear(featureDim, embeddingDim) if a head is asked for, then L2 normalization. */
final class EmbeddingNet implements EmbeddingModel {
  private static final String ARCH_KEY = "irkit_arch", DIM_KEY = "irkit_embedding_dim";
  private final String arch;
  private final Backbone backbone;
  private final LinearImpl head;
  private final int embeddingDim;

  /** embeddingDim 0: no head, the embedding is the normalized backbone feature. */
  EmbeddingNet(String arch, Backbone backbone, int embeddingDim) {
    this.arch = arch;
    this.backbone = backbone;
    this.head = embeddingDim > 0 ? new LinearImpl(backbone.featureDim(), embeddingDim) : null;
    this.embeddingDim = embeddingDim > 0 ? embeddingDim : Math.toIntExact(backbone.featureDim());
  }

  @Override
  public Tensor forward(Tensor images) {
    Tensor f = features(images);
    if (head != null) f = head.forward(f);
    NormalizeFuncOptions l2 = new NormalizeFuncOptions();
    l2.p().put(2.0);
    l2.dim().put(1L);
    return torch.normalize(f, l2);
  }

  /** The backbone's pooled features [B, featureDim], before the head and the normalization. */
  Tensor features(Tensor images) {
    if (images.dim() != 4 || images.size(1) != 3)
      throw new IllegalArgumentException("images must be [B, 3, H, W], got " + Arrays.toString(images.shape()));
    if (images.scalar_type().value != ScalarType.Float.value)
      throw new IllegalArgumentException("images must be float32, got " + images.scalar_type());
    return backbone.features(images);
  }

  @Override
  public int embeddingDim() {
    return embeddingDim;
  }

  @Override
  public void train(boolean on) {
    backbone.train(on);
    if (head != null) head.train(on);
  }

  @Override
  public List<Tensor> parameters() {
    List<Tensor> out = new ArrayList<>(backbone.parameters());
    if (head != null)
      for (Tensor t : head.parameters(true).get()) out.add(new Tensor(t)); // own handles: the vector is a temporary
    return out;
  }

  /** Every parameter and buffer: "backbone." + its PyTorch name, and head.weight / head.bias. */
  Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    backbone.stateDict().forEach((k, v) -> out.put("backbone." + k, v));
    if (head != null) {
      out.put("head.weight", head.weight());
      out.put("head.bias", head.bias());
    }
    return out;
  }

  @Override
  public void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      SafetensorsWriter.write(tmp, stateDict(), Map.of(ARCH_KEY, arch, DIM_KEY, Integer.toString(embeddingDim)));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void load(Path file) throws IOException {
    Map<String, String> meta = SafetensorsReader.metadata(file);
    String savedArch = meta.get(ARCH_KEY), savedDim = meta.get(DIM_KEY);
    if (savedArch != null && !savedArch.equals(arch))
      throw new IOException(file + " holds a " + savedArch + " model, this model is " + arch);
    if (savedDim != null && !savedDim.equals(Integer.toString(embeddingDim)))
      throw new IOException(file + " holds a model with embedding dim " + savedDim + ", this model has " + embeddingDim);
    Map<String, Tensor> saved = SafetensorsReader.read(file);
    try {
      StateDicts.copyInto(stateDict(), saved, file.toString(), k -> false);
    } finally {
      saved.values().forEach(Tensor::close);
    }
  }

  @Override
  public void to(Device d) {
    backbone.to(d);
    if (head != null) head.to(d, false);
  }

  @Override
  public void close() {
    backbone.close();
    if (head != null) head.close();
  }
}
