package io.irkit.bench;

import java.util.Random;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Seeded benchmark inputs: {@code rows} embeddings of dimension {@code d} in classes of
 * {@code classSize} (labels shuffled; at most {@code maxClasses} distinct labels, so that classifier
 * losses with C = 1000 accept them). Each embedding is its class centre plus noise twice its
 * scale, so a positive pair has cosine about 0.2 and a negative about 0 +- 1/sqrt(d): a
 * mid-training batch where miners keep a fraction of the pairs (not all, not none) and the losses
 * and their gradients are not zero.
 */
final class Workload {
  private static final long SEED = 20260101L;
  private static final double NOISE = 2.0;

  final Tensor emb; // [rows x d] float32, contiguous
  final Tensor labels; // [rows] int64
  final long[] labelArray;

  Workload(int rows, int d, int classSize, int maxClasses) {
    labelArray = shuffledLabels(rows, classSize, maxClasses, new Random(SEED));
    labels = Tensor.create(labelArray);
    torch.manual_seed(SEED);
    long classes = Math.min(maxClasses, (rows + classSize - 1) / classSize);
    Tensor centres = torch.randn(classes, d);
    emb = centres.index_select(0, labels).add(torch.randn(rows, d).mul(new Scalar(NOISE))).contiguous();
  }

  /** Learnable weights for a classifier loss, shaped as the irkit loss wants them. */
  static Tensor weights(long[] shape) {
    torch.manual_seed(SEED + 1);
    return torch.randn(shape).contiguous();
  }

  private static long[] shuffledLabels(int rows, int classSize, int maxClasses, Random random) {
    long[] labels = new long[rows];
    for (int i = 0; i < rows; i++) labels[i] = (i / classSize) % maxClasses;
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    return labels;
  }
}
