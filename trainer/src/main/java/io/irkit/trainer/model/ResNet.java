package io.irkit.trainer.model;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's ResNet without fc, with its parameter names (conv1, bn1, layer1.0.conv1, ...,
 * layer4.1.downsample.0), so an ImageNet state dict loads by name. Returns the pooled feature.
 */
final class ResNet extends FeatureNet {
  private final Conv2dImpl conv1;
  private final BatchNorm2dImpl bn1;
  private final List<ResidualBlock> blocks = new ArrayList<>();
  // Modules made in Java must stay reachable: native calls such as train() call back into them.
  private final List<Module> layers = new ArrayList<>();
  private final long featureDim;

  private interface BlockFactory {
    ResidualBlock create(long in, long planes, long stride);
  }

  static ResNet resnet18() {
    return new ResNet(new int[] {2, 2, 2, 2}, BasicBlock::new, BasicBlock.EXPANSION);
  }

  static ResNet resnet50() {
    return new ResNet(new int[] {3, 4, 6, 3}, Bottleneck::new, Bottleneck.EXPANSION);
  }

  private ResNet(int[] depths, BlockFactory block, int expansion) {
    conv1 = register_module("conv1", Layers.conv(3, 64, 7, 2, 3));
    bn1 = register_module("bn1", Layers.bn(64));
    long in = 64;
    for (int stage = 0; stage < 4; stage++) {
      long planes = 64L << stage;
      Module layer = register_module("layer" + (stage + 1), new Module());
      layers.add(layer);
      for (int i = 0; i < depths[stage]; i++) {
        ResidualBlock b = block.create(in, planes, i == 0 && stage > 0 ? 2 : 1);
        blocks.add(layer.register_module(Integer.toString(i), b));
        in = planes * expansion;
      }
    }
    featureDim = in;
  }

  @Override
  Tensor forward(Tensor x) {
    x = relu(bn1.forward(conv1.forward(x)));
    x = max_pool2d(x, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false);
    for (ResidualBlock b : blocks) x = b.forward(x);
    // functional pooling: AdaptiveAvgPool2dImpl(new LongOptional(1)) gives a zero-width output on these presets
    return adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
  }

  @Override
  long featureDim() {
    return featureDim;
  }
}
