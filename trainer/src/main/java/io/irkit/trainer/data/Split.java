package io.irkit.trainer.data;

import java.util.List;

/**
 * A class-disjoint split of a dataset. Each part has its own dense labels: train labels are
 * 0..numTrainClasses-1, val and test labels start at 0 too.
 */
public record Split(List<Sample> train, List<Sample> val, List<Sample> test, int numTrainClasses) {
  public Split {
    train = List.copyOf(train);
    val = List.copyOf(val);
    test = List.copyOf(test);
  }
}
