package io.irkit.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --loss-device: where the step's miner and loss run, for each --device and irkit build. */
class LossDeviceTest {
  @Test
  void autoFollowsTheDeviceAndTheIrkitBuild() {
    assertFalse(ComputeDevice.kernelsOnGpu("cpu", "auto", 0));
    assertFalse(ComputeDevice.kernelsOnGpu("cpu", "auto", 1));
    assertFalse(ComputeDevice.kernelsOnGpu("cuda", "auto", 0), "a CPU-only irkit keeps the loss on the host");
    assertTrue(ComputeDevice.kernelsOnGpu("cuda", "auto", 1));
  }

  @Test
  void cpuAndCudaAreObeyedOrRefused() {
    assertFalse(ComputeDevice.kernelsOnGpu("cuda", "cpu", 2));
    assertTrue(ComputeDevice.kernelsOnGpu("cuda", "cuda", 1));
    IllegalArgumentException noGpuModel = assertThrows(IllegalArgumentException.class,
        () -> ComputeDevice.kernelsOnGpu("cpu", "cuda", 1));
    assertTrue(noGpuModel.getMessage().contains("--device cuda"), noGpuModel.getMessage());
    IllegalArgumentException cpuOnlyIrkit = assertThrows(IllegalArgumentException.class,
        () -> ComputeDevice.kernelsOnGpu("cuda", "cuda", 0));
    assertTrue(cpuOnlyIrkit.getMessage().contains("no CUDA device"), cpuOnlyIrkit.getMessage());
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> ComputeDevice.kernelsOnGpu("cuda", "gpu", 1));
    assertEquals("--loss-device must be auto, cpu or cuda, got 'gpu'", typo.getMessage());
  }
}
