package io.irkit.trainer.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/** An image embedder: backbone, optional Linear head, L2 normalization. Build one with {@link Models}. */
public interface EmbeddingModel extends AutoCloseable {
  /** images [B, 3, H, W] float32 on the model's device; returns L2-normalized embeddings [B, embeddingDim()]. */
  Tensor forward(Tensor images);

  int embeddingDim();

  /** Training mode (batch statistics in BatchNorm) or eval mode (running statistics). */
  void train(boolean on);

  /** The trainable parameters (backbone and head), live: an optimizer updates the model through them. */
  List<Tensor> parameters();

  /** Writes every parameter and buffer as a .safetensors file, atomically (temp file + rename). */
  void save(Path file) throws IOException;

  /** Reads a file written by {@link #save} for the same spec; strict about names and shapes. */
  void load(Path file) throws IOException;

  /** Moves parameters and buffers to d in place (the tensors from {@link #parameters()} stay valid). */
  void to(Device d);

  @Override
  void close();
}
