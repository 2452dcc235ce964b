package io.irkit.trainer.model;

import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/** torchvision's Bottleneck (ResNet-50/101/152, V1.5: the stride sits on the 3x3 conv). */
final class Bottleneck extends ResidualBlock {
  static final int EXPANSION = 4;
  private final Conv2dImpl conv1, conv2, conv3;
  private final BatchNorm2dImpl bn1, bn2, bn3;
  private final Downsample downsample;

  Bottleneck(long in, long planes, long stride) {
    conv1 = register_module("conv1", Layers.conv(in, planes, 1, 1, 0));
    bn1 = register_module("bn1", Layers.bn(planes));
    conv2 = register_module("conv2", Layers.conv(planes, planes, 3, stride, 1));
    bn2 = register_module("bn2", Layers.bn(planes));
    conv3 = register_module("conv3", Layers.conv(planes, planes * EXPANSION, 1, 1, 0));
    bn3 = register_module("bn3", Layers.bn(planes * EXPANSION));
    Downsample d = Downsample.ifNeeded(in, planes * EXPANSION, stride);
    downsample = d == null ? null : register_module("downsample", d);
  }

  @Override
  Tensor forward(Tensor x) {
    Tensor out = relu(bn1.forward(conv1.forward(x)));
    out = relu(bn2.forward(conv2.forward(out)));
    out = bn3.forward(conv3.forward(out));
    return relu(out.add(downsample == null ? x : downsample.forward(x)));
  }
}
