package io.irkit.trainer.model;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A small CNN for CPU runs: three stride-2 conv-bn-relu blocks (3-32-64-128, ~94k parameters), average pool. */
final class SmallCnn extends FeatureNet {
  private static final long[] WIDTHS = {3, 32, 64, 128};
  private final List<Conv2dImpl> convs = new ArrayList<>();
  private final List<BatchNorm2dImpl> bns = new ArrayList<>();
  // Modules made in Java must stay reachable: native calls such as train() call back into them.
  private final List<Module> blocks = new ArrayList<>();

  SmallCnn() {
    for (int i = 1; i < WIDTHS.length; i++) {
      Module block = register_module("block" + i, new Module());
      blocks.add(block);
      convs.add(block.register_module("conv", Layers.conv(WIDTHS[i - 1], WIDTHS[i], 3, 2, 1)));
      bns.add(block.register_module("bn", Layers.bn(WIDTHS[i])));
    }
  }

  @Override
  Tensor forward(Tensor x) {
    for (int i = 0; i < convs.size(); i++) x = relu(bns.get(i).forward(convs.get(i).forward(x)));
    return adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
  }

  @Override
  long featureDim() {
    return WIDTHS[WIDTHS.length - 1];
  }
}
