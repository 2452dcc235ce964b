/* What the C tests share: pass / fail counters, the checks that bump them, and the summary line
 * (main returns test_summary()). Header-only; each test program includes it once. */
#ifndef IRKIT_TEST_UTIL_H
#define IRKIT_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "irkit/irkit.h"

static int passed = 0, failed = 0;

static inline void expect(int ok, const char* what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL %s (last error: %s)\n", what, irk_last_error());
  }
}

/* The call returned `want` and left a message in irk_last_error(). */
static inline void expect_error(irk_status got, irk_status want, const char* what) {
  int ok = got == want && strlen(irk_last_error()) > 0;
  if (!ok) printf("  got status %d, want %d\n", (int)got, (int)want);
  expect(ok, what);
}

/* Prints "P passed, F failed"; the exit status of main. */
static inline int test_summary(void) {
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

#endif /* IRKIT_TEST_UTIL_H */
