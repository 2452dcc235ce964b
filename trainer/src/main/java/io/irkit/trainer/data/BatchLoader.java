package io.irkit.trainer.data;

import io.irkit.kernels.TorchRuntime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decodes and transforms upcoming batches on a pool of worker threads, at most `prefetch` batches
 * ahead, and hands them out in order. A sample's pixels depend only on (seed, epoch, position), so the
 * batches are the same for any number of workers. An undecodable training image is replaced by the next
 * decodable image of the same class (in sample-list order, wrapping around), transformed with the
 * original position's random stream; an undecodable eval image becomes an all-zero row. Replacements are
 * counted in {@link #skipped()}, decode failures in the decoder's {@link DecodeStats}. An exception in a
 * worker (e.g. from a strict decoder) is rethrown by {@link #next()}. Not thread-safe: one consumer.
 * The batch tensors are filled with one bulk copy each: {@code Tensor.create(float[])} goes through an
 * element-wise indexer (~20 ns a float: 8 ms for a 32x3x64x64 batch, on the training thread).
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
  /** workers: decoding threads; prefetch: batches loaded or loading ahead of the consumer. */
  public record Options(int workers, int prefetch) {
    public Options {
      if (workers <= 0 || prefetch <= 0) {
        throw new IllegalArgumentException("workers and prefetch must be > 0, got " + workers + ", " + prefetch);
      }
    }

    public static Options defaults() {
      int w = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
      return new Options(w, 2 * w);
    }
  }

  private record Loaded(float[] images, long[] labels, int index, int[] samples, int skipped) {}

  private final List<Sample> samples;
  private final List<int[]> batches;
  private final int firstIndex;
  private final boolean train;
  private final Transforms transforms;
  private final ImageDecoder decoder;
  private final long seed;
  private final int epoch;
  private final ExecutorService pool;
  private final List<Thread> workers = new ArrayList<>(); // guarded by itself
  private final ArrayDeque<Future<Loaded>> pending = new ArrayDeque<>();
  private Map<Long, int[]> classMembers;
  private int submitted, consumed;
  private long skipped;
  private boolean closed;

  private BatchLoader(List<Sample> samples, List<int[]> batches, int firstIndex, boolean train,
      Transforms transforms, ImageDecoder decoder, long seed, int epoch, Options options) {
    TorchRuntime.init();
    this.samples = List.copyOf(samples);
    this.batches = List.copyOf(batches);
    this.firstIndex = firstIndex;
    this.train = train;
    this.transforms = transforms;
    this.decoder = decoder;
    this.seed = seed;
    this.epoch = epoch;
    if (train) this.classMembers = groupByLabel(this.samples);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(options.workers(), r -> {
      Thread t = new Thread(r, "irkit-loader-" + n.incrementAndGet());
      t.setDaemon(true);
      synchronized (workers) {
        workers.add(t);
      }
      return t;
    });
    while (submitted < this.batches.size() && pending.size() < options.prefetch()) submitNext();
  }

  /**
   * Training batches: {@code batches} are the sample indices of batches firstIndex, firstIndex+1, ... of
   * the epoch (e.g. {@code sampler.batches(epoch, firstIndex)}); all must have the same size.
   */
  public static BatchLoader train(List<Sample> samples, List<int[]> batches, int firstIndex, Transforms transforms,
      ImageDecoder decoder, long seed, int epoch, Options options) {
    for (int[] b : batches) {
      if (b.length != batches.get(0).length) throw new IllegalArgumentException("training batches differ in size");
    }
    return new BatchLoader(samples, batches, firstIndex, true, transforms, decoder, seed, epoch, options);
  }

  /** Training batches firstIndex.. of an epoch as the sampler draws them. */
  public static BatchLoader train(List<Sample> samples, MPerClassSampler sampler, int epoch, int firstIndex,
      Transforms transforms, ImageDecoder decoder, long seed, Options options) {
    return train(samples, sampler.batches(epoch, firstIndex), firstIndex, transforms, decoder, seed, epoch, options);
  }

  /** Every sample once, in order, without augmentation; the last batch may be smaller. */
  public static BatchLoader eval(List<Sample> samples, int batchSize, Transforms transforms, ImageDecoder decoder,
      Options options) {
    if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < samples.size(); start += batchSize) {
      int[] b = new int[Math.min(batchSize, samples.size() - start)];
      for (int j = 0; j < b.length; j++) b[j] = start + j;
      batches.add(b);
    }
    return new BatchLoader(samples, batches, 0, false, transforms, decoder, 0, 0, options);
  }

  public int numBatches() {
    return batches.size();
  }

  /** Rows replaced so far because their image could not be decoded (in the batches handed out). */
  public long skipped() {
    return skipped;
  }

  @Override
  public boolean hasNext() {
    return !closed && consumed < batches.size();
  }

  @Override
  public Batch next() {
    if (!hasNext()) throw new NoSuchElementException(closed ? "loader closed" : "no more batches");
    Loaded l;
    try {
      l = pending.removeFirst().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      if (cause instanceof Error err) throw err;
      throw new IllegalStateException("loading batch " + (firstIndex + consumed) + " failed", cause);
    }
    consumed++;
    if (submitted < batches.size()) submitNext();
    skipped += l.skipped();
    int s = transforms.config().size();
    Tensor images = torch.empty(new long[] {l.labels().length, 3, s, s}, new TensorOptions(ScalarType.Float), null);
    images.data_ptr_float().put(l.images(), 0, l.images().length);
    Tensor labels = torch.empty(new long[] {l.labels().length}, new TensorOptions(ScalarType.Long), null);
    labels.data_ptr_long().put(l.labels(), 0, l.labels().length);
    return new Batch(images, labels, l.index(), l.samples());
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    for (Future<Loaded> f : pending) f.cancel(true);
    pending.clear();
    pool.shutdownNow();
    try {
      // The pool terminates once its tasks are done, a moment before its threads have exited: join
      // them too, so that no worker outlives close().
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean stopped = pool.awaitTermination(30, TimeUnit.SECONDS);
      List<Thread> started;
      synchronized (workers) {
        started = List.copyOf(workers);
      }
      for (Thread t : started) {
        long left = deadline - System.nanoTime();
        if (left > 0) TimeUnit.NANOSECONDS.timedJoin(t, left);
        stopped &= !t.isAlive();
      }
      if (!stopped) {
        System.getLogger(BatchLoader.class.getName()).log(System.Logger.Level.WARNING,
            "batch loader workers did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void submitNext() {
    int i = submitted++;
    int[] batch = batches.get(i);
    int index = firstIndex + i;
    Callable<Loaded> task = () -> load(batch, index);
    pending.addLast(pool.submit(task));
  }

  private Loaded load(int[] batch, int index) {
    int len = transforms.outputLength();
    float[] images = new float[batch.length * len];
    long[] labels = new long[batch.length];
    int[] used = new int[batch.length];
    int skippedHere = 0;
    for (int j = 0; j < batch.length; j++) {
      if (Thread.currentThread().isInterrupted()) throw new IllegalStateException("batch loader closed");
      int idx = batch[j];
      labels[j] = samples.get(idx).label();
      RgbImage img = decoder.decode(samples.get(idx).path());
      used[j] = idx;
      if (img == null) {
        skippedHere++;
        if (train) {
          Decoded r = replacement(idx);
          used[j] = r.index();
          img = r.image();
        } else {
          used[j] = -1;
          continue; // the row stays all zero
        }
      }
      long position = (long) index * batch.length + j;
      float[] x = train ? transforms.train(img, seed, epoch, position) : transforms.eval(img);
      System.arraycopy(x, 0, images, j * len, len);
    }
    return new Loaded(images, labels, index, used, skippedHere);
  }

  private record Decoded(int index, RgbImage image) {}

  /** The next sample of idx's class after idx (wrapping) whose image decodes. */
  private Decoded replacement(int idx) {
    long label = samples.get(idx).label();
    int[] members = classMembers.get(label);
    int at = Arrays.binarySearch(members, idx);
    for (int step = 1; step < members.length; step++) {
      int candidate = members[(at + step) % members.length];
      RgbImage img = decoder.decode(samples.get(candidate).path());
      if (img != null) return new Decoded(candidate, img);
    }
    throw new IllegalStateException("no image of class " + label + " can be decoded (first: "
        + samples.get(idx).path() + ")");
  }

  private static Map<Long, int[]> groupByLabel(List<Sample> samples) {
    Map<Long, List<Integer>> groups = new HashMap<>();
    for (int i = 0; i < samples.size(); i++) groups.computeIfAbsent(samples.get(i).label(), l -> new ArrayList<>()).add(i);
    Map<Long, int[]> out = new HashMap<>();
    groups.forEach((l, g) -> out.put(l, g.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }
}
