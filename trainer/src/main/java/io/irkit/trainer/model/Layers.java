package io.irkit.trainer.model;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.FanModeType;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Nonlinearity;
import org.bytedeco.pytorch.kFanOut;
import org.bytedeco.pytorch.kReLU;
import org.bytedeco.pytorch.global.torch;

/** The conv and batch-norm layers of the CNNs, configured and initialized like torchvision's. */
final class Layers {
  private Layers() {}

  /** Conv2d without bias, kaiming_normal_(fan_out, relu) init as in torchvision's ResNet. */
  static Conv2dImpl conv(long in, long out, long kernel, long stride, long padding) {
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
    o.stride().put(new long[] {stride, stride});
    o.padding().put(new LongPointer(padding, padding));
    o.bias().put(false);
    Conv2dImpl conv = new Conv2dImpl(o);
    try (NoGradGuard g = new NoGradGuard()) {
      torch.kaiming_normal_(conv.weight(), 0, new FanModeType(new kFanOut()), new Nonlinearity(new kReLU()));
    }
    return conv;
  }

  /** BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running stats). */
  static BatchNorm2dImpl bn(long channels) {
    return new BatchNorm2dImpl(new BatchNormOptions(channels));
  }
}
