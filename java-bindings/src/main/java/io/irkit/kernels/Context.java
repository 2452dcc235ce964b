package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_context;
import org.bytedeco.javacpp.IntPointer;

/** Where kernels run: the CPU with a thread count, or a CUDA device. */
public final class Context implements AutoCloseable {
  private static volatile Context defaultCpu;

  private final irk_context handle;
  private final int device;
  private final int deviceIndex;

  private Context(int device, int deviceIndex, int threads) {
    this.device = device;
    this.deviceIndex = deviceIndex;
    irk_context h = new irk_context();
    NativeStatus.check(Irkit.irk_context_create(device, deviceIndex, threads, h));
    this.handle = h;
  }

  /** A CPU context; threads <= 0 means all hardware threads. */
  public static Context cpu(int threads) {
    return new Context(Irkit.IRK_DEVICE_CPU, 0, threads);
  }

  /** A CUDA context; throws {@link IrkitException} when there is no CUDA device. */
  public static Context cuda(int deviceIndex) {
    return new Context(Irkit.IRK_DEVICE_CUDA, deviceIndex, 0);
  }

  /** The shared CPU context (all hardware threads) used when none is given. */
  public static Context defaultCpu() {
    Context c = defaultCpu;
    if (c == null) {
      synchronized (Context.class) {
        if (defaultCpu == null) defaultCpu = cpu(0);
        c = defaultCpu;
      }
    }
    return c;
  }

  /** Number of CUDA devices (0 when none, or when the library was built without CUDA). */
  public static int cudaDeviceCount() {
    try (IntPointer out = new IntPointer(1)) {
      int status = Irkit.irk_cuda_device_count(out);
      if (status == Irkit.IRK_ERR_NO_DEVICE) return 0;
      NativeStatus.check(status);
      return out.get();
    }
  }

  public boolean isCuda() {
    return device == Irkit.IRK_DEVICE_CUDA;
  }

  /** The CUDA device ordinal (0 for the CPU). */
  public int deviceIndex() {
    return deviceIndex;
  }

  /** "the CPU" or "CUDA device N", for messages. */
  String describe() {
    return isCuda() ? "CUDA device " + deviceIndex : "the CPU";
  }

  public int numThreads() {
    try (IntPointer out = new IntPointer(1)) {
      NativeStatus.check(Irkit.irk_context_num_threads(handle, out));
      return out.get();
    }
  }

  irk_context handle() {
    if (handle.isNull()) throw new IllegalStateException("context is closed");
    return handle;
  }

  @Override
  public void close() {
    if (this == defaultCpu) return;
    if (!handle.isNull()) {
      Irkit.irk_context_destroy(handle);
      handle.setNull();
    }
  }
}
