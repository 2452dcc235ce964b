package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad inputs raise exceptions that name what is wrong; nothing crashes or returns NaN. */
class BadInputTest extends TorchTest {
  private static final int N = 8, D = 4;
  private final Random r = new Random(5);
  private final float[] x = Data.gaussian(r, N, D);
  private final long[] y = Data.labels(r, N, 2);

  private static void fails(String expectedInMessage, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' should mention '" + expectedInMessage + "'");
  }

  @Test
  void nanEmbeddingNamesTheRow() {
    float[] bad = x.clone();
    bad[3 * D + 1] = Float.NaN;
    fails("row 3", () -> new MultiSimilarityLoss().compute(bad, y, D, null));
    fails("row 3", () -> new BatchHardMiner().mine(bad, y, D));
    bad[3 * D + 1] = Float.POSITIVE_INFINITY;
    fails("Inf", () -> new ContrastiveLoss().compute(bad, y, D, null));
  }

  @Test
  void shapeMismatches() {
    fails("labels", () -> new MultiSimilarityLoss().compute(x, new long[N - 1], D, null));
    fails("multiple of d", () -> new MultiSimilarityLoss().compute(new float[7], new long[2], D, null));
    fails("weights", () -> new CosFaceLoss(3, D).compute(x, y, new float[5], null));
    fails("embedding_size", () -> new CosFaceLoss(3, D + 1).compute(x, y, new float[(D + 1) * 3], null));
  }

  @Test
  void impossibleParameters() {
    fails("temperature", () -> new NTXentLoss(-1).compute(x, y, D, null));
    fails("temperature", () -> new SupConLoss(0).compute(x, y, D, null));
    fails("alpha", () -> new MultiSimilarityLoss(0, 50, 0.5).compute(x, y, D, null));
    fails("margin", () -> new TripletMarginLoss(Double.NaN, false, false).compute(x, y, D, null));
    fails("semihard", () -> new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.SEMIHARD, BatchEasyHardMiner.Strategy.SEMIHARD,
        null, null, Distance.lp()).mine(x, y, D));
    fails("power", () -> Distance.lp(true, -1));
    fails("sub_centers", () -> new SubCenterArcFaceLoss(3, D, 28.6, 64, 0));
  }

  @Test
  void labelsOutsideTheClassifier() {
    long[] bad = y.clone();
    bad[2] = 99;
    CosFaceLoss loss = new CosFaceLoss(5, D);
    fails("label", () -> loss.compute(x, bad, new float[D * 5], null));
  }

  @Test
  void minedIndicesOutOfRange() {
    MinedTuples t = MinedTuples.triplets(new long[][] {{0, 1, N + 3}});
    fails("out of range", () -> new TripletMarginLoss().compute(x, y, D, t));
    MinedTuples p = MinedTuples.pairs(new long[][] {{-1, 2}}, new long[0][]);
    fails("out of range", () -> new ContrastiveLoss().compute(x, y, D, p));
  }

  @Test
  void knnBounds() {
    fails("k", () -> Knn.search(Context.defaultCpu(), Distance.cosine(), x, null, D, 0));
    fails("k", () -> Knn.search(Context.defaultCpu(), Distance.cosine(), x, null, D, N)); // self excluded: at most N-1
  }

  @Test
  void tensorsOfTheWrongKind() {
    Tensor doubles = torch.randn(N, D).to(ScalarType.Double);
    Tensor labels = Tensor.create(y);
    fails("float32", () -> new MultiSimilarityLoss().compute(doubles, labels));
    Tensor transposed = torch.randn(D, N).t();
    fails("contiguous", () -> new MultiSimilarityLoss().compute(transposed, labels));
    fails("2-D", () -> new MultiSimilarityLoss().compute(torch.randn(N), labels));
    fails("int64", () -> new MultiSimilarityLoss().compute(torch.randn(N, D), torch.randn(N)));
    fails("entries", () -> new MultiSimilarityLoss().compute(torch.randn(N + 1, D), labels));
  }

  @Test
  void cudaWithoutDeviceIsAnErrorNotACrash() {
    if (Context.cudaDeviceCount() > 0) return; // this check is for machines without a GPU
    IrkitException e = assertThrows(IrkitException.class, () -> Context.cuda(0));
    assertEquals(3, e.status());
    assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
  }
}
