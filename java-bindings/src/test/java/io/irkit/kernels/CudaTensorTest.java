package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Java API on CUDA tensors with a CUDA context, against the CPU kernels on the same values.
 * Runs only where irkit was built with CUDA, LibTorch is the GPU build (mvn -Pcuda) and a device
 * exists; skipped elsewhere.
 */
@Tag("cuda")
class CudaTensorTest extends TorchTest {
  private static final int N = 256, D = 64;
  private static Context gpu, cpu;
  private static final Device CUDA = new Device(DeviceType.CUDA);

  @BeforeAll
  static void needDevice() {
    assumeTrue(Context.cudaDeviceCount() > 0 && torch.cuda_is_available(), "no CUDA device (or a CPU-only build)");
    gpu = Context.cuda(0);
    cpu = Context.cpu(2);
  }

  @AfterAll
  static void close() {
    if (gpu != null) gpu.close();
    if (cpu != null) cpu.close();
  }

  private static Tensor onGpu(Tensor t) {
    return t.to(CUDA, t.scalar_type());
  }

  private static void assertClose(float[] want, float[] got, double atol, String what) {
    assertEquals(want.length, got.length, what + " length");
    double scale = 1e-30;
    for (float w : want) scale = Math.max(scale, Math.abs(w));
    for (int i = 0; i < want.length; i++)
      assertEquals(want[i], got[i], atol * scale, what + "[" + i + "]");
  }

  @Test
  void pairwiseOnDeviceMatchesCpu() {
    Tensor x = Tensor.create(Data.gaussian(new Random(1), N, D), N, D);
    for (Distance dist : new Distance[] {Distance.cosine(), Distance.lp(false, 1), Distance.squaredL2(false)}) {
      Tensor want = dist.pairwise(cpu, x, null);
      Tensor got = dist.pairwise(gpu, onGpu(x), null);
      assertEquals(true, got.is_cuda(), "output stays on the device");
      assertClose(values(want), values(got.cpu()), 1e-5, dist + " pairwise");
    }
  }

  @Test
  void minerAndLossOnDeviceMatchCpu() {
    Random r = new Random(2);
    Tensor x = Tensor.create(Data.gaussian(r, N, D), N, D), y = Tensor.create(Data.labels(r, N, 4));
    MultiSimilarityMiner miner = new MultiSimilarityMiner(0.1);
    MultiSimilarityLoss loss = new MultiSimilarityLoss();
    MinedTuples wantTuples = miner.mine(cpu, x, y, null, null);
    MinedTuples gotTuples = miner.mine(gpu, onGpu(x), onGpu(y), null, null);
    assertEquals(wantTuples, gotTuples, "mined pairs");
    LossResult want = loss.compute(cpu, x, y, wantTuples, null, null);
    LossResult got = loss.mineAndCompute(gpu, onGpu(x), onGpu(y), miner, null, null);
    assertEquals(want.loss(), got.loss(), 2e-4 * Math.abs(want.loss()), "loss");
    assertClose(values(want.grad()), values(got.grad().cpu()), 2e-4, "grad");
  }

  @Test
  void bf16BatchOnDeviceEqualsFloat32OfTheSameValues() {
    Random r = new Random(3);
    Tensor x16 = Tensor.create(Data.gaussian(r, N, D), N, D).to(ScalarType.BFloat16);
    Tensor y = onGpu(Tensor.create(Data.labels(r, N, 4)));
    MultiSimilarityLoss loss = new MultiSimilarityLoss();
    LossResult wide = loss.compute(gpu, onGpu(x16.to(ScalarType.Float)), y, null, null, null);
    LossResult half = loss.compute(gpu, onGpu(x16), y, null, null, null);
    assertEquals(wide.loss(), half.loss(), "loss");
    assertArrayEquals(values(wide.grad().cpu()), values(half.grad().cpu()), "grad");
  }

  @Test
  void classifierLossOnDeviceMatchesCpu() {
    Random r = new Random(4);
    int classes = 10;
    long[] labels = new long[N];
    for (int i = 0; i < N; i++) labels[i] = i % classes;
    Tensor x = Tensor.create(Data.gaussian(r, N, D), N, D), y = Tensor.create(labels);
    ArcFaceLoss loss = new ArcFaceLoss(classes, D);
    long[] shape = loss.weightShape();
    Tensor w = Tensor.create(Data.gaussian(r, (int) shape[0], (int) shape[1]), shape[0], shape[1]);
    LossResult want = loss.compute(cpu, x, y, w, null);
    LossResult got = loss.compute(gpu, onGpu(x), onGpu(y), onGpu(w), null);
    assertEquals(want.loss(), got.loss(), 2e-4 * Math.abs(want.loss()), "loss");
    assertClose(values(want.grad()), values(got.grad().cpu()), 2e-4, "grad");
    assertClose(values(want.gradWeights()), values(got.gradWeights().cpu()), 2e-4, "grad weights");
  }

  @Test
  void knnOnDeviceMatchesCpu() {
    Tensor x = Tensor.create(Data.gaussian(new Random(5), N, D), N, D);
    Knn.Result want = Knn.search(cpu, Distance.cosine(), x, null, 8);
    Knn.Result got = Knn.search(gpu, Distance.cosine(), onGpu(x), null, 8);
    assertArrayEquals(want.indices(), got.indices(), "neighbours");
    assertClose(want.values(), got.values(), 1e-5, "similarities");
  }

  @Test
  void retrievalMetricsOnDeviceMatchCpu() {
    Random r = new Random(8);
    float[] x = Data.gaussian(r, N, D);
    long[] y = Data.labels(r, N, 16);
    RetrievalMetrics.Result want = RetrievalMetrics.evaluate(cpu, Distance.cosine(), x, y, null, null, D,
        RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 8);
    RetrievalMetrics.Result got = RetrievalMetrics.evaluate(gpu, Distance.cosine(), onGpu(Tensor.create(x, N, D)), y, null,
        null, RetrievalMetrics.K_MAX_BIN_COUNT, false, 1, 8);
    assertEquals(want.asMap(), got.asMap());
  }

  @Test
  void hostInputsWithADeviceContextAreRejected() {
    Tensor x = Tensor.create(Data.gaussian(new Random(6), 8, 4), 8, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distance.cosine().pairwise(gpu, x, null));
    assertEquals(true, e.getMessage().contains("CPU tensor"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new MultiSimilarityLoss().compute(gpu, new float[32], new long[8], 4, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> Distance.cosine().pairwise(cpu, onGpu(x), null));
  }
}
