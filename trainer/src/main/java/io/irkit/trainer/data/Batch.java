package io.irkit.trainer.data;

import org.bytedeco.pytorch.Tensor;

/**
 * One loaded batch. images: float32 [B, 3, size, size]; labels: int64 [B]; index: the batch's position in
 * its epoch (or eval pass); samples: the index into the sample list each row was loaded from (a training
 * row whose image could not be decoded holds its replacement; an eval row holds -1). Closing frees the tensors.
 */
public record Batch(Tensor images, Tensor labels, int index, int[] samples) implements AutoCloseable {
  public int size() {
    return samples.length;
  }

  @Override
  public void close() {
    images.close();
    labels.close();
  }
}
