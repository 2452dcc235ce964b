package io.irkit.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
  private static final int SIZE = 8;
  private static final Transforms TRAIN =
      new Transforms(TransformConfig.defaults().withSize(SIZE, 10).withColorJitter(0.3, 0.3, 0.3).withRandAugment(1, 9));
  private static final long SEED = 11;

  @TempDir
  Path dir;
  List<Sample> samples;

  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  @BeforeEach
  void makeImages() throws IOException {
    Fixtures.imageFolder(dir, 6, 4, 12);
    samples = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      for (int j = 0; j < 4; j++) samples.add(new Sample(dir.resolve(String.format("cls%02d/img%d.png", c, j)), c));
    }
  }

  /** What a loader hands out, copied into Java arrays. */
  record Loaded(int index, float[] images, long[] labels, int[] samples) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Loaded l && l.index == index && Arrays.equals(l.images, images)
          && Arrays.equals(l.labels, labels) && Arrays.equals(l.samples, samples);
    }

    @Override
    public int hashCode() {
      return index;
    }
  }

  static List<Loaded> drain(BatchLoader loader) {
    List<Loaded> out = new ArrayList<>();
    try (loader) {
      while (loader.hasNext()) {
        try (Batch b = loader.next()) {
          out.add(copy(b));
        }
      }
    }
    return out;
  }

  static Loaded copy(Batch b) {
    float[] x = new float[(int) b.images().numel()];
    b.images().contiguous().data_ptr_float().get(x);
    long[] y = new long[(int) b.labels().numel()];
    b.labels().contiguous().data_ptr_long().get(y);
    return new Loaded(b.index(), x, y, b.samples());
  }

  private BatchLoader train(MPerClassSampler sampler, int epoch, int first, ImageDecoder decoder, int workers) {
    return BatchLoader.train(samples, sampler, epoch, first, TRAIN, decoder, SEED, new BatchLoader.Options(workers, 2 * workers));
  }

  @Test
  void sameBatchesForAnyNumberOfWorkers() {
    MPerClassSampler sampler = MPerClassSampler.of(samples, 2, 6, 60, SEED);
    List<Loaded> one = drain(train(sampler, 2, 0, new ImageDecoder(), 1));
    List<Loaded> three = drain(train(sampler, 2, 0, new ImageDecoder(), 3));
    assertEquals(10, one.size());
    assertEquals(one, three);
    for (int k = 0; k < one.size(); k++) assertEquals(k, one.get(k).index());
    // row j of batch k is transformed with the stream of position k * batchSize + j
    Loaded third = one.get(3);
    int len = 3 * SIZE * SIZE;
    float[] expected = TRAIN.train(new ImageDecoder().decode(samples.get(third.samples()[2]).path()), SEED, 2, 3 * 6 + 2);
    assertArrayEquals(expected, Arrays.copyOfRange(third.images(), 2 * len, 3 * len));
    assertNotEquals(one, drain(train(sampler, 3, 0, new ImageDecoder(), 3)), "another epoch, other data");
  }

  @Test
  void shapesDtypesAndContents() {
    MPerClassSampler sampler = MPerClassSampler.of(samples, 2, 6, 12, SEED);
    try (BatchLoader loader = train(sampler, 0, 0, new ImageDecoder(), 2); Batch b = loader.next()) {
      Tensor x = b.images(), y = b.labels();
      assertEquals(ScalarType.Float, x.scalar_type().intern());
      assertEquals(ScalarType.Long, y.scalar_type().intern());
      assertArrayEquals(new long[] {6, 3, SIZE, SIZE}, new long[] {x.size(0), x.size(1), x.size(2), x.size(3)});
      assertEquals(1, y.dim());
      assertEquals(6, y.size(0));
      Loaded l = copy(b);
      assertArrayEquals(sampler.batch(0, 0), l.samples());
      int len = 3 * SIZE * SIZE;
      for (int j = 0; j < 6; j++) {
        Sample s = samples.get(l.samples()[j]);
        assertEquals(s.label(), l.labels()[j]);
        float[] expected = TRAIN.train(new ImageDecoder().decode(s.path()), SEED, 0, j);
        assertArrayEquals(expected, Arrays.copyOfRange(l.images(), j * len, (j + 1) * len), "row " + j);
      }
    }
  }

  @Test
  void aResumedLoaderGivesTheSameBatches() {
    MPerClassSampler sampler = MPerClassSampler.of(samples, 2, 6, 60, SEED);
    List<Loaded> all = drain(train(sampler, 1, 0, new ImageDecoder(), 2));
    List<Loaded> resumed = drain(train(sampler, 1, 4, new ImageDecoder(), 2));
    assertEquals(all.subList(4, all.size()), resumed);
  }

  @Test
  void badImagesAreReplacedByTheNextGoodOneOfTheirClass() throws IOException {
    Files.writeString(samples.get(5).path(), "garbage");
    byte[] png = Files.readAllBytes(samples.get(6).path());
    Files.write(samples.get(6).path(), Arrays.copyOf(png, png.length / 2));
    Files.delete(samples.get(9).path());
    // batch with rows 5, 6 (class 1) and 9 (class 2), then the good images they fall back to
    List<int[]> batches = List.of(new int[] {5, 6, 9, 0}, new int[] {7, 10, 1, 2});
    DecodeStats stats = new DecodeStats();
    List<Loaded> got;
    long skipped;
    try (BatchLoader loader = BatchLoader.train(samples, batches, 0, TRAIN, new ImageDecoder(false, stats), SEED, 0,
        new BatchLoader.Options(2, 2))) {
      got = new ArrayList<>();
      while (loader.hasNext()) {
        try (Batch b = loader.next()) {
          got.add(copy(b));
        }
      }
      skipped = loader.skipped();
    }
    assertEquals(3, skipped);
    assertArrayEquals(new int[] {7, 7, 10, 0}, got.get(0).samples()); // 5 -> 6 (bad) -> 7; 6 -> 7; 9 -> 10
    assertArrayEquals(new long[] {1, 1, 2, 0}, got.get(0).labels());
    int len = 3 * SIZE * SIZE;
    float[] seven = TRAIN.train(new ImageDecoder().decode(samples.get(7).path()), SEED, 0, 1);
    assertArrayEquals(seven, Arrays.copyOfRange(got.get(0).images(), len, 2 * len), "row 1 keeps its own random stream");
    assertEquals(1, stats.count(DecodeStats.Failure.CORRUPT));
    assertEquals(2, stats.count(DecodeStats.Failure.TRUNCATED)); // 6 itself, and 6 tried as 5's replacement
    assertEquals(1, stats.count(DecodeStats.Failure.MISSING));
  }

  @Test
  void aClassWithNoGoodImageIsAnError() throws IOException {
    for (int j = 0; j < 4; j++) Files.delete(samples.get(4 + j).path());
    var e = assertThrows(IllegalStateException.class, () -> drain(BatchLoader.train(samples, List.of(new int[] {4}), 0,
        TRAIN, new ImageDecoder(), SEED, 0, BatchLoader.Options.defaults())));
    assertTrue(e.getMessage().contains("class 1"), e.getMessage());
  }

  @Test
  void strictModeErrorsReachTheConsumer() throws IOException {
    Files.delete(samples.get(13).path());
    MPerClassSampler sampler = MPerClassSampler.of(samples, 1, 24, 24, SEED);
    ImageDecoder strict = new ImageDecoder(true, new DecodeStats());
    var e = assertThrows(ImageDecodeException.class, () -> drain(train(sampler, 0, 0, strict, 3)));
    assertEquals(samples.get(13).path(), e.path());
  }

  @Test
  void evalKeepsOrderWithoutAugmentation() throws IOException {
    Transforms eval = new Transforms(TransformConfig.defaults().withSize(SIZE, 10));
    Files.delete(samples.get(3).path());
    List<Loaded> got = drain(BatchLoader.eval(samples, 5, eval, new ImageDecoder(), new BatchLoader.Options(3, 2)));
    assertEquals(5, got.size());
    assertEquals(4, got.get(4).labels().length, "24 = 4 * 5 + 4");
    int len = 3 * SIZE * SIZE;
    for (int i = 0; i < samples.size(); i++) {
      Loaded b = got.get(i / 5);
      float[] row = Arrays.copyOfRange(b.images(), (i % 5) * len, (i % 5 + 1) * len);
      assertEquals(samples.get(i).label(), b.labels()[i % 5]);
      if (i == 3) {
        assertEquals(-1, b.samples()[3]);
        assertArrayEquals(new float[len], row);
      } else {
        assertEquals(i, b.samples()[i % 5]);
        assertArrayEquals(eval.eval(new ImageDecoder().decode(samples.get(i).path())), row, "sample " + i);
      }
    }
  }

  @Test
  void closeStopsTheWorkers() {
    MPerClassSampler sampler = MPerClassSampler.of(samples, 2, 6, 600, SEED);
    BatchLoader loader = train(sampler, 0, 0, new ImageDecoder(), 3);
    loader.next().close();
    loader.close();
    assertFalse(loader.hasNext());
    boolean alive = Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("irkit-loader-") && t.isAlive());
    assertFalse(alive, "worker threads still running after close");
    loader.close(); // twice is fine
  }
}
