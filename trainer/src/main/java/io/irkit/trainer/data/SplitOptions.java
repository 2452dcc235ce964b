package io.irkit.trainer.data;

import java.util.List;

/**
 * How {@link Datasets#load} splits a dataset.
 *
 * @param seed picks the test classes where the layout has no fixed protocol (imagefolder, emoji, csv
 *     without a split column)
 * @param testClasses explicit test classes (folder names, CSV labels, CUB/Cars class ids); empty = the
 *     layout's protocol. Not allowed for sop and inat, whose split is given by their list files.
 * @param valFraction validation = this fraction of the training classes, the LAST ones in class order
 * @param testFraction the seeded fraction of classes that are test for imagefolder/emoji/csv
 */
public record SplitOptions(long seed, List<String> testClasses, double valFraction, double testFraction) {
  public static final double DEFAULT_VAL_FRACTION = 0.2;
  public static final double DEFAULT_TEST_FRACTION = 0.5;

  public SplitOptions {
    testClasses = testClasses == null ? List.of() : List.copyOf(testClasses);
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new IllegalArgumentException("valFraction must be in [0, 1), got " + valFraction);
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
    }
  }

  public static SplitOptions defaults() {
    return new SplitOptions(0, List.of(), DEFAULT_VAL_FRACTION, DEFAULT_TEST_FRACTION);
  }

  public SplitOptions withSeed(long s) {
    return new SplitOptions(s, testClasses, valFraction, testFraction);
  }

  public SplitOptions withTestClasses(List<String> classes) {
    return new SplitOptions(seed, classes, valFraction, testFraction);
  }

  public SplitOptions withValFraction(double f) {
    return new SplitOptions(seed, testClasses, f, testFraction);
  }

  public SplitOptions withTestFraction(double f) {
    return new SplitOptions(seed, testClasses, valFraction, f);
  }
}
