package io.irkit.trainer.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A ResNet block: relu(body(x) + shortcut(x)). */
abstract class ResidualBlock extends Module {
  abstract Tensor forward(Tensor x);
}
