package io.irkit.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MPerClassSamplerTest {
  /** 20 classes; class c has c % 7 + 1 samples (1..7), labels shuffled in the list. */
  static long[] labels() {
    long[] out = new long[20 * 7];
    int n = 0;
    for (int c = 0; c < 20; c++) for (int i = 0; i <= c % 7; i++) out[n++] = 100 + c;
    List<Long> l = new ArrayList<>(Arrays.stream(out, 0, n).boxed().toList());
    Collections.shuffle(l, new Random(1));
    return l.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void everyBatchHasBatchOverMClassesWithMEach() {
    long[] labels = labels();
    MPerClassSampler s = new MPerClassSampler(labels, 4, 32, 1000, 5);
    assertEquals(992, s.length()); // rounded down to a multiple of 32
    assertEquals(31, s.batchesPerEpoch());
    Set<Integer> drawn = new HashSet<>();
    for (int[] b : s.batches(0)) {
      for (int i : b) drawn.add(i);
      assertEquals(32, b.length);
      Map<Long, Integer> perClass = new HashMap<>();
      Map<Long, Set<Integer>> distinct = new HashMap<>();
      for (int i : b) {
        perClass.merge(labels[i], 1, Integer::sum);
        distinct.computeIfAbsent(labels[i], k -> new HashSet<>()).add(i);
      }
      assertEquals(8, perClass.size());
      perClass.values().forEach(v -> assertEquals(4, v));
      // without replacement where the class has >= m samples, with replacement otherwise
      distinct.forEach((cls, idx) -> {
        long size = Arrays.stream(labels).filter(l -> l == cls).count();
        if (size >= 4) assertEquals(4, idx.size(), "class " + cls);
        else assertTrue(idx.size() <= size);
      });
    }
    assertEquals(labels.length, drawn.size(), "every sample is drawn at some point of the epoch");
  }

  @Test
  void smallClassesAreDrawnWithReplacement() {
    long[] labels = {0, 1, 1, 2, 2, 2};
    MPerClassSampler s = new MPerClassSampler(labels, 4, 12, 120, 0);
    for (int[] b : s.batches(0)) {
      assertEquals(4, Arrays.stream(b).filter(i -> i == 0).count(), "class 0 has one sample, drawn 4 times");
    }
  }

  @Test
  void rejectsBadSizesNamingTheValues() {
    long[] labels = labels();
    var e = assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 3, 32, 1000, 0));
    assertTrue(e.getMessage().contains("32") && e.getMessage().contains("3"), e.getMessage());
    var few = assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 2, 64, 1000, 0));
    assertTrue(few.getMessage().contains("32") && few.getMessage().contains("20"), few.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 4, 32, 16, 0));
  }

  @Test
  void deterministicForASeedAndDifferentAcrossEpochsAndSeeds() {
    long[] labels = labels();
    List<int[]> a = new MPerClassSampler(labels, 4, 16, 320, 9).batches(3);
    List<int[]> b = new MPerClassSampler(labels, 4, 16, 320, 9).batches(3);
    for (int k = 0; k < a.size(); k++) assertArrayEquals(a.get(k), b.get(k));
    assertFalse(Arrays.equals(a.get(0), new MPerClassSampler(labels, 4, 16, 320, 9).batch(4, 0)), "epoch");
    assertFalse(Arrays.equals(a.get(0), new MPerClassSampler(labels, 4, 16, 320, 10).batch(3, 0)), "seed");
    assertFalse(Arrays.equals(a.get(0), a.get(1)), "batches of an epoch differ");
  }

  @Test
  void aResumedRunCanStartAtAnyBatch() {
    for (int m : new int[] {1, 4}) {
      MPerClassSampler s = new MPerClassSampler(labels(), m, 16, 400, 2);
      List<int[]> all = s.batches(1), tail = s.batches(1, 7);
      assertEquals(all.size() - 7, tail.size());
      for (int k = 0; k < tail.size(); k++) assertArrayEquals(all.get(k + 7), tail.get(k), "m=" + m + " batch " + (k + 7));
      assertArrayEquals(all.get(12), s.batch(1, 12));
    }
  }

  @Test
  void mEqualsOneWalksSeededPermutations() {
    int n = 80;
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) labels[i] = i % 20;
    MPerClassSampler s = new MPerClassSampler(labels, 1, 16, 2 * n, 3);
    List<int[]> batches = s.batches(0);
    assertEquals(10, batches.size());
    int[] flat = batches.stream().flatMapToInt(Arrays::stream).toArray();
    int[] first = Arrays.copyOfRange(flat, 0, n), second = Arrays.copyOfRange(flat, n, 2 * n);
    int[] identity = java.util.stream.IntStream.range(0, n).toArray();
    assertArrayEquals(identity, Arrays.stream(first).sorted().toArray(), "pass 1 is a permutation");
    assertArrayEquals(identity, Arrays.stream(second).sorted().toArray(), "pass 2 is a permutation");
    assertFalse(Arrays.equals(first, second));
    assertFalse(Arrays.equals(first, identity));
    // m = 1 needs no number of classes
    new MPerClassSampler(new long[] {0, 0, 0, 0, 1}, 1, 4, 10, 0).batches(0);
  }

  @Test
  void ofTakesTheLabelsOfTheSamples() {
    List<Sample> samples = List.of(new Sample(java.nio.file.Path.of("a"), 0), new Sample(java.nio.file.Path.of("b"), 1));
    int[] b = MPerClassSampler.of(samples, 1, 2, 2, 0).batch(0, 0);
    assertArrayEquals(new int[] {0, 1}, Arrays.stream(b).sorted().toArray());
  }
}
