package io.irkit.trainer;

/** Learning rate at a step: constant, or linear warmup followed by cosine decay to zero. */
record LrSchedule(String kind, double base, int warmupSteps, long totalSteps) {
  LrSchedule {
    if (!kind.equals("constant") && !kind.equals("cosine"))
      throw new IllegalArgumentException("--schedule must be constant or cosine, got '" + kind + "'");
    if (warmupSteps < 0) throw new IllegalArgumentException("--warmup-steps must be >= 0, got " + warmupSteps);
  }

  double at(long step) {
    if (kind.equals("constant")) return base;
    if (step < warmupSteps) return base * (step + 1) / warmupSteps;
    long span = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
    return base * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
