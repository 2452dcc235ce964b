package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Zero-copy views of tensors and checks of array inputs, with messages that say what was expected.
 * Tensors must live where the context runs: CPU tensors with a CPU context, CUDA tensors on the
 * context's device with a CUDA context (the native call then gets device pointers).
 */
final class Views {
  private Views() {}

  /** A [rows x cols] view; {@code dtype} (Irkit.IRK_DTYPE_*) is the element type behind {@code data}. */
  record Matrix(FloatPointer data, long rows, long cols, int dtype) {
    Matrix(FloatPointer data, long rows, long cols) {
      this(data, rows, cols, Irkit.IRK_DTYPE_F32);
    }
  }

  /** A float32 view; bf16 / fp16 tensors are widened once (see {@link #float32}). */
  static Matrix matrix(Context ctx, Tensor t, String name) {
    return typedMatrix(ctx, float32(ctx, t, name), name);
  }

  /**
   * A zero-copy view of a float32, bfloat16 or float16 tensor: 16-bit data goes to the native call
   * as is, with its dtype (irk_batch.dtype), and is widened there.
   */
  static Matrix typedMatrix(Context ctx, Tensor t, String name) {
    requireOn(ctx, t, name);
    final int dtype = dtypeOf(t, name);
    if (t.dim() != 2)
      throw new IllegalArgumentException(name + " must be 2-D [rows x dim], got " + t.dim() + "-D");
    if (t.size(0) == 0 || t.size(1) == 0)
      throw new IllegalArgumentException(name + " must not be empty, got " + t.size(0) + " x " + t.size(1));
    return new Matrix(dtype == Irkit.IRK_DTYPE_F32 ? t.data_ptr_float() : new FloatPointer(t.data_ptr()), t.size(0),
        t.size(1), dtype);
  }

  static int dtypeOf(Tensor t, String name) {
    final int st = t.scalar_type().value;
    if (st == ScalarType.Float.value) return Irkit.IRK_DTYPE_F32;
    if (st == ScalarType.BFloat16.value) return Irkit.IRK_DTYPE_BF16;
    if (st == ScalarType.Half.value) return Irkit.IRK_DTYPE_F16;
    throw new IllegalArgumentException(name + " must be a float32, bfloat16 or float16 tensor, got " + t.scalar_type());
  }

  /** The tensor itself if float32, else a float32 copy of a bfloat16 / float16 tensor (exact). */
  static Tensor float32(Context ctx, Tensor t, String name) {
    requireOn(ctx, t, name);
    if (dtypeOf(t, name) == Irkit.IRK_DTYPE_F32) return t;
    return t.to(ScalarType.Float);
  }

  static LongPointer labels(Context ctx, Tensor t, String name, long rows) {
    requireOn(ctx, t, name);
    if (t.scalar_type().value != ScalarType.Long.value)
      throw new IllegalArgumentException(name + " must be an int64 tensor, got " + t.scalar_type());
    if (t.dim() != 1 || t.size(0) != rows)
      throw new IllegalArgumentException(name + " must be 1-D with " + rows + " entries (one per embedding), got shape "
          + shape(t));
    return t.data_ptr_long();
  }

  private static void requireOn(Context ctx, Tensor t, String name) {
    if (t == null || t.isNull()) throw new IllegalArgumentException(name + " is null");
    if (ctx.isCuda() && !t.is_cuda())
      throw new IllegalArgumentException(name + " is a CPU tensor but the context runs on " + ctx.describe()
          + ": move it there (.to(device)) or use a CPU context");
    if (!ctx.isCuda() && t.is_cuda())
      throw new IllegalArgumentException(name + " is a CUDA tensor but the context runs on the CPU: use Context.cuda("
          + t.device().index() + ") (a library built with CUDA) or move the tensor to the CPU");
    if (ctx.isCuda() && t.device().index() != ctx.deviceIndex())
      throw new IllegalArgumentException(name + " is on CUDA device " + t.device().index() + " but the context runs on "
          + ctx.describe());
    if (!t.is_contiguous())
      throw new IllegalArgumentException(name + " must be contiguous (call .contiguous() first)");
  }

  static String shape(Tensor t) {
    StringBuilder sb = new StringBuilder("[");
    for (long i = 0; i < t.dim(); i++) sb.append(i == 0 ? "" : ", ").append(t.size(i));
    return sb.append(']').toString();
  }

  /** Java arrays are host memory: only a CPU context can read them. */
  static void requireHost(Context ctx) {
    if (ctx.isCuda())
      throw new IllegalArgumentException("Java arrays are host memory but the context runs on " + ctx.describe()
          + ": pass CUDA tensors, or use a CPU context");
  }

  /** Rows of a row-major [rows x d] array. */
  static int rows(float[] a, int d, String name) {
    if (a == null) throw new IllegalArgumentException(name + " is null");
    if (d <= 0) throw new IllegalArgumentException("d must be > 0, got " + d);
    if (a.length == 0 || a.length % d != 0)
      throw new IllegalArgumentException(name + " has " + a.length + " values, not a non-empty multiple of d = " + d);
    return a.length / d;
  }

  static void labelCount(long[] labels, int rows, String name) {
    if (labels == null) throw new IllegalArgumentException(name + " is null");
    if (labels.length != rows)
      throw new IllegalArgumentException(name + " has " + labels.length + " entries but there are " + rows + " embeddings");
  }
}
