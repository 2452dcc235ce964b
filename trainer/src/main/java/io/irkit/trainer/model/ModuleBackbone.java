package io.irkit.trainer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;

/** A backbone over a {@link FeatureNet} (ResNet, small CNN). */
final class ModuleBackbone implements Backbone {
  private final FeatureNet net;

  ModuleBackbone(FeatureNet net) {
    this.net = net;
  }

  @Override
  public Tensor features(Tensor images) {
    return net.forward(images);
  }

  @Override
  public long featureDim() {
    return net.featureDim();
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    putAll(out, net.named_parameters(true));
    putAll(out, net.named_buffers(true));
    return out;
  }

  private static void putAll(Map<String, Tensor> out, StringTensorDict d) {
    for (long i = 0; i < d.size(); i++) {
      StringTensorDictItem item = d.get(i);
      out.put(item.key().getString(), new Tensor(item.value())); // own handle: the dict is a temporary
    }
  }

  @Override
  public List<Tensor> parameters() {
    List<Tensor> out = new ArrayList<>();
    for (Tensor p : net.parameters(true).get()) if (p.requires_grad()) out.add(new Tensor(p)); // own handle
    return out;
  }

  @Override
  public void train(boolean on) {
    net.train(on);
  }

  @Override
  public void to(Device d) {
    net.to(d, false);
  }

  @Override
  public void close() {
    net.close();
  }
}
