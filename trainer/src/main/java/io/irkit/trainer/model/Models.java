package io.irkit.trainer.model;

import io.irkit.kernels.TorchRuntime;
import io.irkit.trainer.model.weights.WeightFiles;
import java.io.IOException;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Builds embedding models from a {@link ModelSpec}. */
public final class Models {
  private Models() {}

  /**
   * A model in training mode on the CPU. Seeds torch's global generator with spec.seed() first, so
   * the random initialization is the same on every run. Pretrained weights load by PyTorch name;
   * {@code fc.*} keys (the ImageNet classifier) are ignored, any other mismatch is an IOException.
   */
  public static EmbeddingModel build(ModelSpec spec) throws IOException {
    TorchRuntime.init();
    torch.manual_seed(spec.seed());
    Backbone backbone = switch (spec.arch()) {
      case "resnet18" -> new ModuleBackbone(ResNet.resnet18());
      case "resnet50" -> new ModuleBackbone(ResNet.resnet50());
      case "smallcnn" -> new ModuleBackbone(new SmallCnn());
      case "torchscript" -> TorchScriptBackbone.load(spec.weights());
      default -> throw new IllegalArgumentException(
          "unknown arch '" + spec.arch() + "': expected resnet18, resnet50, smallcnn or torchscript");
    };
    try {
      if (spec.weights() != null && !spec.arch().equals("torchscript")) loadPretrained(backbone, spec);
      EmbeddingNet model = new EmbeddingNet(spec.arch(), backbone, spec.embeddingDim());
      model.train(true);
      return model;
    } catch (IOException | RuntimeException e) {
      backbone.close();
      throw e;
    }
  }

  private static void loadPretrained(Backbone backbone, ModelSpec spec) throws IOException {
    Map<String, Tensor> weights = WeightFiles.read(spec.weights());
    try {
      StateDicts.copyInto(backbone.stateDict(), weights, spec.weights() + " (" + spec.arch() + ")", k -> k.startsWith("fc."));
    } finally {
      weights.values().forEach(Tensor::close);
    }
  }
}
