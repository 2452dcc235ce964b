package io.irkit.trainer.model;

import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/** torchvision's BasicBlock (ResNet-18/34): two 3x3 convs. */
final class BasicBlock extends ResidualBlock {
  static final int EXPANSION = 1;
  private final Conv2dImpl conv1, conv2;
  private final BatchNorm2dImpl bn1, bn2;
  private final Downsample downsample;

  BasicBlock(long in, long planes, long stride) {
    conv1 = register_module("conv1", Layers.conv(in, planes, 3, stride, 1));
    bn1 = register_module("bn1", Layers.bn(planes));
    conv2 = register_module("conv2", Layers.conv(planes, planes, 3, 1, 1));
    bn2 = register_module("bn2", Layers.bn(planes));
    Downsample d = Downsample.ifNeeded(in, planes * EXPANSION, stride);
    downsample = d == null ? null : register_module("downsample", d);
  }

  @Override
  Tensor forward(Tensor x) {
    Tensor out = relu(bn1.forward(conv1.forward(x)));
    out = bn2.forward(conv2.forward(out));
    return relu(out.add(downsample == null ? x : downsample.forward(x)));
  }
}
