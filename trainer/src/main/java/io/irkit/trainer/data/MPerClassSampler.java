package io.irkit.trainer.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * pytorch-metric-learning's MPerClassSampler with a batch size: each batch holds batchSize/m distinct
 * classes with m samples each (drawn without replacement, or with replacement from a class that has
 * fewer than m samples). An epoch is lengthBeforeNewIter samples rounded down to a multiple of the batch
 * size. m = 1 is plain random sampling instead: the epoch walks through seeded permutations of all
 * samples (pass lengthBeforeNewIter = the dataset size for one pass per epoch).
 *
 * <p>Batch k of an epoch depends only on (seed, epoch, k), so a resumed run can start at any batch.
 */
public final class MPerClassSampler {
  public static final int DEFAULT_LENGTH_BEFORE_NEW_ITER = 100_000;

  private final int m, batchSize, length, numSamples;
  private final long seed;
  private final int[][] byClass;

  private record Permutation(int epoch, int pass, int[] order) {}

  private volatile Permutation lastPermutation;

  /** labels[i] is the class of sample i (any long values). */
  public MPerClassSampler(long[] labels, int m, int batchSize, int lengthBeforeNewIter, long seed) {
    if (m <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException("m and batchSize must be > 0, got m=" + m + ", batchSize=" + batchSize);
    }
    if (batchSize % m != 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " is not divisible by m=" + m);
    }
    if (lengthBeforeNewIter < batchSize) {
      throw new IllegalArgumentException("lengthBeforeNewIter " + lengthBeforeNewIter + " < batch size " + batchSize);
    }
    if (labels.length == 0) throw new IllegalArgumentException("no samples to draw from");
    this.byClass = groupByClass(labels);
    int classesPerBatch = batchSize / m;
    if (m > 1 && byClass.length < classesPerBatch) {
      throw new IllegalArgumentException("batch size " + batchSize + " with m=" + m + " needs " + classesPerBatch
          + " classes per batch but the dataset has only " + byClass.length);
    }
    this.m = m;
    this.batchSize = batchSize;
    this.length = lengthBeforeNewIter - lengthBeforeNewIter % batchSize;
    this.numSamples = labels.length;
    this.seed = seed;
  }

  public static MPerClassSampler of(List<Sample> samples, int m, int batchSize, int lengthBeforeNewIter, long seed) {
    long[] labels = new long[samples.size()];
    for (int i = 0; i < labels.length; i++) labels[i] = samples.get(i).label();
    return new MPerClassSampler(labels, m, batchSize, lengthBeforeNewIter, seed);
  }

  public int m() {
    return m;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Samples per epoch (a multiple of the batch size). */
  public int length() {
    return length;
  }

  public int batchesPerEpoch() {
    return length / batchSize;
  }

  /** All batches of an epoch, as sample indices. */
  public List<int[]> batches(int epoch) {
    return batches(epoch, 0);
  }

  /** Batches fromBatch.. of an epoch: what a run resumed at batch fromBatch consumes. */
  public List<int[]> batches(int epoch, int fromBatch) {
    List<int[]> out = new ArrayList<>();
    for (int k = fromBatch; k < batchesPerEpoch(); k++) out.add(batch(epoch, k));
    return out;
  }

  /** Batch k of an epoch. */
  public int[] batch(int epoch, int k) {
    if (k < 0 || k >= batchesPerEpoch()) throw new IndexOutOfBoundsException("batch " + k + " of " + batchesPerEpoch());
    return m == 1 ? randomBatch(epoch, k) : mPerClassBatch(epoch, k);
  }

  private int[] mPerClassBatch(int epoch, int k) {
    SplittableRandom rng = Rngs.of(Rngs.SAMPLER, seed, epoch, k);
    int[] classes = identity(byClass.length);
    int nClasses = batchSize / m;
    partialShuffle(classes, nClasses, rng);
    int[] out = new int[batchSize];
    for (int c = 0; c < nClasses; c++) {
      int[] members = byClass[classes[c]];
      if (members.length >= m) {
        int[] pool = members.clone();
        partialShuffle(pool, m, rng);
        System.arraycopy(pool, 0, out, c * m, m);
      } else {
        for (int j = 0; j < m; j++) out[c * m + j] = members[rng.nextInt(members.length)];
      }
    }
    return out;
  }

  /** Positions k*B..(k+1)*B-1 of the concatenation of seeded permutations of all samples. */
  private int[] randomBatch(int epoch, int k) {
    int[] out = new int[batchSize];
    for (int j = 0; j < batchSize; j++) {
      long pos = (long) k * batchSize + j;
      out[j] = permutation(epoch, (int) (pos / numSamples))[(int) (pos % numSamples)];
    }
    return out;
  }

  /** Pass p of an epoch's walk; the last one is kept, as consecutive batches mostly share it. */
  private int[] permutation(int epoch, int pass) {
    Permutation last = lastPermutation;
    if (last != null && last.epoch() == epoch && last.pass() == pass) return last.order();
    int[] order = identity(numSamples);
    partialShuffle(order, numSamples, Rngs.of(Rngs.SAMPLER, seed, epoch, -1 - pass));
    lastPermutation = new Permutation(epoch, pass, order);
    return order;
  }

  /** Moves a uniform random choice of n elements (in random order) to the front of a. */
  private static void partialShuffle(int[] a, int n, SplittableRandom rng) {
    for (int i = 0; i < n && i < a.length - 1; i++) {
      int j = i + rng.nextInt(a.length - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  /** Sample indices of each class, classes in order of first appearance. */
  private static int[][] groupByClass(long[] labels) {
    Map<Long, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) groups.computeIfAbsent(labels[i], l -> new ArrayList<>()).add(i);
    int[][] out = new int[groups.size()][];
    int c = 0;
    for (List<Integer> g : groups.values()) out[c++] = g.stream().mapToInt(Integer::intValue).toArray();
    return out;
  }
}
