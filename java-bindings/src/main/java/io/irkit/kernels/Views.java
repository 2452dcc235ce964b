package io.irkit.kernels;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Zero-copy views of tensors and checks of array inputs, with messages that say what was expected. */
final class Views {
  private Views() {}

  record Matrix(FloatPointer data, long rows, long cols) {}

  static Matrix matrix(Tensor t, String name) {
    requireCpuContiguous(t, name);
    if (t.scalar_type().value != ScalarType.Float.value)
      throw new IllegalArgumentException(name + " must be a float32 tensor, got " + t.scalar_type());
    if (t.dim() != 2)
      throw new IllegalArgumentException(name + " must be 2-D [rows x dim], got " + t.dim() + "-D");
    if (t.size(0) == 0 || t.size(1) == 0)
      throw new IllegalArgumentException(name + " must not be empty, got " + t.size(0) + " x " + t.size(1));
    return new Matrix(t.data_ptr_float(), t.size(0), t.size(1));
  }

  static LongPointer labels(Tensor t, String name, long rows) {
    requireCpuContiguous(t, name);
    if (t.scalar_type().value != ScalarType.Long.value)
      throw new IllegalArgumentException(name + " must be an int64 tensor, got " + t.scalar_type());
    if (t.dim() != 1 || t.size(0) != rows)
      throw new IllegalArgumentException(name + " must be 1-D with " + rows + " entries (one per embedding), got shape "
          + shape(t));
    return t.data_ptr_long();
  }

  private static void requireCpuContiguous(Tensor t, String name) {
    if (t == null || t.isNull()) throw new IllegalArgumentException(name + " is null");
    if (t.is_cuda())
      throw new IllegalArgumentException(name + " is a CUDA tensor; this call expects a CPU tensor (CUDA kernels need a CUDA build and context)");
    if (!t.is_contiguous())
      throw new IllegalArgumentException(name + " must be contiguous (call .contiguous() first)");
  }

  static String shape(Tensor t) {
    StringBuilder sb = new StringBuilder("[");
    for (long i = 0; i < t.dim(); i++) sb.append(i == 0 ? "" : ", ").append(t.size(i));
    return sb.append(']').toString();
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
