package io.irkit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A hand-checked fixture. Query 0 ranks [3,4,2,1,0], easy {0,3}, hard {1}, junk {4}; query 1 ranks
 * [0,1,2,3,4], easy {2}. revisitop's AP with the trapezoid rule, positions counted after junk removal:
 * <pre>
 * q0 Easy:   ok {0,3}, junk {4,1}: list [3,2,0], hits at 0,2 of 2: (1+1)/2/2 + (1/2+2/3)/2/2 = 19/24
 * q0 Medium: ok {0,3,1}, junk {4}: list [3,2,1,0], hits at 0,2,3 of 3: 1/3 + 7/36 + 17/72 = 55/72
 * q0 Hard:   ok {1}, junk {4,0,3}: list [2,1], hit at 1 of 1: (0 + 1/2)/2 = 1/4
 * q1 Easy = Medium: hit at 2 of 1: (0 + 1/3)/2 = 1/6; q1 Hard: no positives, skipped
 * mAP: Easy (19/24 + 1/6)/2 = 23/48, Medium (55/72 + 1/6)/2 = 67/144, Hard 1/4
 * </pre>
 */
class RevisitedMapTest {
  private static final long[][] RANKS = {{3, 4, 2, 1, 0}, {0, 1, 2, 3, 4}};

  private static Path fixture(String name) {
    return Path.of("src/test/resources/revisited", name);
  }

  @Test
  void jsonGroundTruthGivesTheHandComputedMap() throws Exception {
    RevisitedMap.Result r = RevisitedMap.compute(RANKS, RevisitedGroundTruth.read(fixture("tiny_gnd.json")));
    assertEquals(23.0 / 48, r.easy(), 1e-12);
    assertEquals(67.0 / 144, r.medium(), 1e-12);
    assertEquals(0.25, r.hard(), 1e-12);
  }

  @Test
  void tsvGroundTruthReadsTheSame() throws Exception {
    assertEquals(RevisitedMap.compute(RANKS, RevisitedGroundTruth.read(fixture("tiny_gnd.json"))),
        RevisitedMap.compute(RANKS, RevisitedGroundTruth.read(fixture("tiny_gnd.tsv"))));
  }

  @Test
  void badFilesAndShapesAreReported() throws Exception {
    Path bad = Files.createTempFile("gnd", ".tsv");
    Files.writeString(bad, "0\tmedium\t1,2\n");
    assertThrows(java.io.IOException.class, () -> RevisitedGroundTruth.read(bad));
    RevisitedGroundTruth gt = RevisitedGroundTruth.read(fixture("tiny_gnd.json"));
    assertThrows(IllegalArgumentException.class, () -> RevisitedMap.compute(new long[][] {{0, 1}}, gt));
  }
}
