package io.irkit.kernels;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that use the tensor API: loads libtorch once and reads tensors back. */
abstract class TorchTest {
  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  /** The tensor's values, row-major, as float32 (the tensor must hold float32). */
  static float[] values(Tensor t) {
    float[] out = new float[(int) t.numel()];
    t.contiguous().data_ptr_float().get(out);
    return out;
  }
}
