package io.irkit.trainer;

import io.irkit.kernels.Context;
import io.irkit.trainer.model.EmbeddingModel;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where the model and the irkit kernels run. On CUDA the forward pass runs under bf16 autocast. The
 * miner and loss run on the GPU too when the irkit library has CUDA kernels (--loss-device): they take
 * the bf16 embeddings as they are and return a float32 gradient on the device. Otherwise the
 * embeddings come to the host in float32 for the CPU kernels and the gradient goes back.
 */
final class ComputeDevice {
  private final Device cuda; // null on the CPU
  private final boolean kernelsOnGpu;

  private ComputeDevice(Device cuda, boolean kernelsOnGpu) {
    this.cuda = cuda;
    this.kernelsOnGpu = kernelsOnGpu;
  }

  static ComputeDevice of(String name, String lossDevice) {
    if (name.equals("cpu")) return new ComputeDevice(null, kernelsOnGpu(name, lossDevice, 0)); // false, or refused
    if (!name.equals("cuda")) throw new IllegalArgumentException("--device must be cpu or cuda, got '" + name + "'");
    if (!torch.cuda_is_available())
      throw new IllegalArgumentException("--device cuda: LibTorch sees no CUDA device (GPU builds need 'mvn -Pcuda' and CUDA 13.1 + cuDNN 9)");
    return new ComputeDevice(new Device(DeviceType.CUDA), kernelsOnGpu(name, lossDevice, Context.cudaDeviceCount()));
  }

  /**
   * Whether the miner and loss run on the GPU, given --device, --loss-device and the CUDA devices the
   * irkit library sees (0 when it was built without nvcc).
   */
  static boolean kernelsOnGpu(String device, String lossDevice, int irkitCudaDevices) {
    switch (lossDevice) {
      case "cpu":
        return false;
      case "auto":
        return device.equals("cuda") && irkitCudaDevices > 0;
      case "cuda":
        if (!device.equals("cuda")) throw new IllegalArgumentException("--loss-device cuda needs --device cuda");
        if (irkitCudaDevices == 0)
          throw new IllegalArgumentException("--loss-device cuda: the irkit library sees no CUDA device (it was built"
              + " without nvcc, or the driver is missing); use --loss-device cpu");
        return true;
      default:
        throw new IllegalArgumentException("--loss-device must be auto, cpu or cuda, got '" + lossDevice + "'");
    }
  }

  boolean isCuda() {
    return cuda != null;
  }

  boolean kernelsOnGpu() {
    return kernelsOnGpu;
  }

  /**
   * The context irkit's kernels run in: CUDA device 0 (LibTorch's default, where the embeddings are)
   * when they run on the GPU, else a CPU context with the given threads.
   */
  Context kernelContext(int cpuThreads) {
    return kernelsOnGpu ? Context.cuda(0) : Context.cpu(cpuThreads);
  }

  /** A tensor the kernels read or train (labels, classifier weights) where they run. */
  Tensor forKernels(Tensor hostTensor) {
    return kernelsOnGpu ? hostTensor.to(cuda, hostTensor.scalar_type()) : hostTensor;
  }

  /** The step's embeddings as the kernels take them: on the GPU as they are, else float32 on the host. */
  Tensor embeddingsForKernels(Tensor embeddings) {
    return kernelsOnGpu ? embeddings.contiguous() : toHost(embeddings);
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

  /** embeddings.backward(grad) with the kernels' gradient moved to the embeddings' device and dtype. */
  void backward(Tensor embeddings, Tensor grad) {
    Tensor g = cuda == null ? grad : grad.to(cuda, embeddings.scalar_type());
    embeddings.backward(g, new BoolOptional(), false, new TensorArrayRefOptional());
  }
}
