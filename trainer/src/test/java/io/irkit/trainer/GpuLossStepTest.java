package io.irkit.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.irkit.kernels.Context;
import io.irkit.kernels.TorchRuntime;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training steps under --device cuda with the miner and loss on the GPU against the same steps with
 * them on the host: same seed, same batch, so the losses must agree. Needs a GPU LibTorch (mvn -Pcuda)
 * and an irkit built with CUDA; skipped elsewhere.
 */
@Tag("cuda")
class GpuLossStepTest {
  private static final int B = 64, SIZE = 32;

  @BeforeAll
  static void needDevice() {
    TorchRuntime.init();
    assumeTrue(torch.cuda_is_available() && Context.cudaDeviceCount() > 0, "no CUDA device (or a CPU-only build)");
  }

  private static double[] losses(String lossDevice, String... lossArgs) throws Exception {
    String[] base = {"--arch", "smallcnn", "--embedding-dim", "32", "--batch-size", "" + B, "--m", "4", "--lr", "1e-3",
        "--device", "cuda", "--loss-device", lossDevice, "--seed", "3"};
    String[] args = new String[base.length + lossArgs.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(lossArgs, 0, args, base.length, lossArgs.length);
    TrainOptions o = TrainOptions.parse(args);
    Random rnd = new Random(5);
    float[] pixels = new float[B * 3 * SIZE * SIZE];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextGaussian();
    long[] classes = new long[B];
    for (int i = 0; i < B; i++) classes[i] = i / 4;
    try (TrainStep step = new TrainStep(o, B / 4);
         Tensor images = Tensor.create(pixels, B, 3, SIZE, SIZE);
         Tensor labels = Tensor.create(classes)) {
      assertEquals(lossDevice.equals("cuda"), step.lossCtx.isCuda());
      double[] out = new double[3];
      for (int i = 0; i < out.length; i++) out[i] = step.run(images, labels);
      return out;
    }
  }

  private static void sameLosses(String... lossArgs) throws Exception {
    double[] host = losses("cpu", lossArgs), gpu = losses("cuda", lossArgs);
    for (int i = 0; i < host.length; i++) {
      assertTrue(host[i] > 0, "step " + i + " loss " + host[i]);
      assertEquals(host[i], gpu[i], 1e-3 * Math.abs(host[i]), String.join(" ", lossArgs) + " step " + i);
    }
  }

  @Test
  void minedMultiSimilarity() throws Exception {
    sameLosses("--loss", "MultiSimilarityLoss", "--miner", "MultiSimilarityMiner");
  }

  @Test
  void arcFaceWeightsTrainOnTheGpu() throws Exception {
    sameLosses("--loss", "ArcFaceLoss");
  }

  @Test
  void evaluationOnTheGpuMatchesTheHost() {
    Random rnd = new Random(2);
    int n = 300, d = 24;
    float[] x = new float[n * d];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 30;
      double norm = 0;
      for (int k = 0; k < d; k++) norm += Math.pow(x[i * d + k] = (float) rnd.nextGaussian(), 2);
      for (int k = 0; k < d; k++) x[i * d + k] /= (float) Math.sqrt(norm);
    }
    Evaluation.Embedded e = new Evaluation.Embedded(x, y, d);
    try (Context gpu = Context.cuda(0); Context cpu = Context.cpu(2)) {
      assertEquals(Evaluation.metrics(cpu, e, List.of(1, 4)).asMap(), Evaluation.metrics(gpu, e, List.of(1, 4)).asMap());
    }
  }
}
