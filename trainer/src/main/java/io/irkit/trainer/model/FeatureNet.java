package io.irkit.trainer.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A LibTorch module built in Java whose forward returns pooled features [B, featureDim()]. */
abstract class FeatureNet extends Module {
  abstract Tensor forward(Tensor images);

  abstract long featureDim();
}
