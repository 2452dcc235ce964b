package io.irkit.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Fixture of the tests that compare one thread with two: CPU contexts {@code one} (1 thread) and
 * {@code two} (2 threads), opened with the test instance (one per class) and closed after its last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoThreadContexts {
  final Context one = Context.cpu(1);
  final Context two = Context.cpu(2);

  @AfterAll
  void closeContexts() {
    one.close();
    two.close();
  }
}
