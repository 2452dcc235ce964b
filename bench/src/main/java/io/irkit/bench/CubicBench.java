package io.irkit.bench;

import org.openjdk.jmh.annotations.Param;

/**
 * A kernel whose PML baseline enumerates all B^3 (anchor, positive, negative) candidates, so it
 * runs at small B only: the baseline needs a B^3 mask (1 GiB of bools at B = 1024).
 */
public abstract class CubicBench extends KernelBench {
  static final int MAX_B = 1024;

  @Param({"128", "256", "512"})
  public int B;

  @Param({"128", "512"})
  public int d;

  @Override
  protected int rows() {
    if (B > MAX_B)
      throw new IllegalArgumentException(getClass().getSimpleName() + " runs at B <= " + MAX_B + " (B^3 baseline), got B = " + B);
    return B;
  }

  @Override
  protected int dim() {
    return d;
  }
}
