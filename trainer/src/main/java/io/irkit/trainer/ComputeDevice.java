package io.irkit.trainer;

import io.irkit.trainer.model.EmbeddingModel;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where the model runs. On CUDA the forward pass runs under bf16 autocast; the embeddings come to the
 * host in float32 for the irkit CPU kernels and their gradient goes back in the embeddings' dtype.
 */
final class ComputeDevice {
  private final Device cuda; // null on the CPU

  private ComputeDevice(Device cuda) {
    this.cuda = cuda;
  }

  static ComputeDevice of(String name) {
    if (name.equals("cpu")) return new ComputeDevice(null);
    if (!name.equals("cuda")) throw new IllegalArgumentException("--device must be cpu or cuda, got '" + name + "'");
    if (!torch.cuda_is_available())
      throw new IllegalArgumentException("--device cuda: LibTorch sees no CUDA device (GPU builds need 'mvn -Pcuda' and CUDA 13.1 + cuDNN 9)");
    return new ComputeDevice(new Device(DeviceType.CUDA));
  }

  boolean isCuda() {
    return cuda != null;
  }

  void place(EmbeddingModel model) {
    if (cuda != null) model.to(cuda);
  }

  Tensor forward(EmbeddingModel model, Tensor hostImages) {
    if (cuda == null) return model.forward(hostImages);
    Tensor images = hostImages.to(cuda, ScalarType.Float);
    torch.set_autocast_dtype(DeviceType.CUDA, ScalarType.BFloat16);
    torch.set_autocast_enabled(DeviceType.CUDA, true);
    try {
      return model.forward(images);
    } finally {
      torch.set_autocast_enabled(DeviceType.CUDA, false);
    }
  }

  /** Contiguous float32 host embeddings for the kernels (the tensor itself on the CPU). */
  Tensor toHost(Tensor embeddings) {
    return cuda == null ? embeddings : embeddings.to(ScalarType.Float).cpu().contiguous();
  }

  /** embeddings.backward(grad) with the host gradient moved to the embeddings' device and dtype. */
  void backward(Tensor embeddings, Tensor hostGrad) {
    Tensor g = cuda == null ? hostGrad : hostGrad.to(cuda, embeddings.scalar_type());
    embeddings.backward(g, new BoolOptional(), false, new TensorArrayRefOptional());
  }
}
