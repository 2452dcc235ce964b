package io.irkit.kernels;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.LayoutOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where a native loss writes its value: host memory for a CPU context; for a CUDA context a
 * one-element float tensor on the embeddings' device (a CUDA kernel cannot write host memory),
 * read back after the call.
 */
final class LossScalar implements AutoCloseable {
  private final FloatPointer host;
  private final Tensor device;

  /** {@code like}: a tensor on the call's device, or null for a host-only (arrays) call. */
  LossScalar(Context ctx, Tensor like) {
    if (ctx.isCuda() && like != null) {
      host = null;
      device = like.new_empty(new long[] {1}, new ScalarTypeOptional(ScalarType.Float), new LayoutOptional(),
          new DeviceOptional(), new BoolOptional());
    } else {
      host = new FloatPointer(1);
      device = null;
    }
  }

  FloatPointer pointer() {
    return device != null ? device.data_ptr_float() : host;
  }

  float value() {
    return device != null ? device.cpu().data_ptr_float().get() : host.get();
  }

  @Override
  public void close() {
    if (host != null) host.close();
  }
}
