package io.irkit.trainer.model;

import java.nio.file.Path;

/**
 * What to build.
 *
 * @param arch "resnet18", "resnet50", "smallcnn" or "torchscript"
 * @param weights pretrained backbone weights (torch.save of a state_dict as .pth/.pt, or .safetensors),
 *     the TorchScript file for "torchscript", or null for seeded random weights
 * @param embeddingDim size of the Linear head, or 0 for no head (the pooled backbone feature)
 * @param seed seeds the random initialization
 */
public record ModelSpec(String arch, Path weights, int embeddingDim, long seed) {
  public ModelSpec {
    if (arch == null) throw new IllegalArgumentException("arch is null");
    if (embeddingDim < 0) throw new IllegalArgumentException("embeddingDim must be >= 0 (0 = no head), got " + embeddingDim);
  }
}
