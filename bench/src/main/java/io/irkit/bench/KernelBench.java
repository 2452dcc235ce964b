package io.irkit.bench;

import io.irkit.kernels.Context;
import io.irkit.kernels.TorchRuntime;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One kernel measured three ways in the same run: {@code irkit} (the native kernel through the
 * zero-copy tensor API), {@code libtorch} (the same computation in LibTorch ops, gradient by
 * autograd) and {@code matmul} (LibTorch's [rows x d] x [d x rows] matmul, the floor). Subclasses
 * declare the sizes and, in {@link #prepare()}, hand both kernels to {@link #kernels}. Each call
 * runs in a PointerScope, so the tensors it makes are freed when it returns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// maxPhysicalBytes=0: JavaCPP would otherwise count LibTorch's native memory against the heap size.
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"})
public abstract class KernelBench {
  /** LibTorch's intra-op and BLAS threads, and the irkit Context's threads. */
  @Param("2")
  public int threads;

  protected Context ctx;
  protected Workload w;
  private Supplier<Object> irkitKernel, torchKernel;

  protected abstract int rows();

  protected abstract int dim();

  /** Builds the two kernels over {@link #w} and passes them to {@link #kernels}. */
  protected abstract void prepare();

  /** Embeddings per label in the workload. */
  protected int classSize() {
    return 4;
  }

  /** At most this many distinct labels (the classifier losses have C = 1000). */
  protected int maxClasses() {
    return 1000;
  }

  protected final void kernels(Supplier<Object> irkit, Supplier<Object> libtorch) {
    this.irkitKernel = irkit;
    this.torchKernel = libtorch;
  }

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams run) {
    TorchRuntime.init();
    torch.set_num_threads(threads);
    openblas.blas_set_num_threads(threads); // LibTorch's BLAS has its own pool, all cores by default
    ctx = Context.cpu(threads);
    w = new Workload(rows(), dim(), classSize(), maxClasses());
    prepare();
    if (irkitKernel == null || torchKernel == null) throw new IllegalStateException(getClass() + ": prepare() gave no kernels");
    if (Check.ENABLED && !run.getBenchmark().endsWith(".matmul")) {
      try (PointerScope scope = new PointerScope()) {
        Check.same(describe(), irkitKernel.get(), torchKernel.get());
      }
    }
  }

  /** "MsMinerLossBench B=1024 d=512 threads=2": the class and its @Param values. */
  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (Class<?> c = getClass(); c != Object.class; c = c.getSuperclass()) {
      if (sb.length() == 0 && !c.getSimpleName().contains("_jmh")) sb.append(c.getSimpleName());
      for (Field f : c.getDeclaredFields()) {
        if (!f.isAnnotationPresent(Param.class)) continue;
        try {
          sb.append(' ').append(f.getName()).append('=').append(f.get(this));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return sb.toString();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ctx.close();
  }

  @Benchmark
  public Object irkit() {
    try (PointerScope scope = new PointerScope()) {
      return irkitKernel.get();
    }
  }

  @Benchmark
  public Object libtorch() {
    try (PointerScope scope = new PointerScope()) {
      return torchKernel.get();
    }
  }

  @Benchmark
  public Object matmul() {
    try (PointerScope scope = new PointerScope()) {
      return w.emb.matmul(w.emb.t());
    }
  }
}
