package io.irkit.trainer.model;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/** A feature extractor: images [B, 3, H, W] to pooled features [B, featureDim()]. */
interface Backbone extends AutoCloseable {
  Tensor features(Tensor images);

  long featureDim();

  /** Live parameters and buffers by their PyTorch names (e.g. layer1.0.bn1.running_mean). */
  Map<String, Tensor> stateDict();

  List<Tensor> parameters();

  void train(boolean on);

  void to(Device d);

  @Override
  void close();
}
