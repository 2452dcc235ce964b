package io.irkit.bench;

import org.openjdk.jmh.annotations.Param;

/** A kernel over a batch of B embeddings of dimension d (B^2 work). */
public abstract class BatchBench extends KernelBench {
  @Param({"128", "256", "512", "1024", "4096"})
  public int B;

  @Param({"128", "512"})
  public int d;

  @Override
  protected int rows() {
    return B;
  }

  @Override
  protected int dim() {
    return d;
  }
}
