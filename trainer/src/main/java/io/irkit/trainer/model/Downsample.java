package io.irkit.trainer.model;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The projection shortcut of a ResNet block, named like torchvision's Sequential: downsample.0 / .1 */
final class Downsample extends Module {
  private final Conv2dImpl conv;
  private final BatchNorm2dImpl bn;

  Downsample(long in, long out, long stride) {
    conv = register_module("0", Layers.conv(in, out, 1, stride, 0));
    bn = register_module("1", Layers.bn(out));
  }

  Tensor forward(Tensor x) {
    return bn.forward(conv.forward(x));
  }

  /** The shortcut a block needs: a projection when the shape changes, else null (identity). */
  static Downsample ifNeeded(long in, long out, long stride) {
    return stride != 1 || in != out ? new Downsample(in, out, stride) : null;
  }
}
