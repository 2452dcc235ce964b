package io.irkit.trainer.model.weights;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;

/** Tensors from raw bytes of a weight file, and the bytes of a tensor for writing one. */
final class RawTensors {
  private RawTensors() {}

  /** A 1-D tensor over {@code bytes} read as {@code type} in the given byte order (copied). */
  static Tensor storage(byte[] bytes, DType type, ByteOrder order) {
    if (bytes.length == 0) return torch.zeros(new long[] {0}, new TensorOptions(type.scalarType()));
    if (order != ByteOrder.nativeOrder() && type.size > 1) bytes = swapped(bytes, type.size);
    try (Tensor u8 = Tensor.create(bytes, false, bytes.length)) {
      return u8.view(type.scalarType());
    }
  }

  /** An owned, contiguous copy of storage viewed with the given shape, strides and offset. */
  static Tensor view(Tensor storage, long[] shape, long[] strides, long offset, String name) throws IOException {
    if (shape.length != strides.length)
      throw new IOException("tensor '" + name + "' has shape " + Arrays.toString(shape) + " but strides " + Arrays.toString(strides));
    long last = offset, numel = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0 || strides[i] < 0)
        throw new IOException("tensor '" + name + "' has a negative size or stride: " + Arrays.toString(shape) + " / " + Arrays.toString(strides));
      numel *= shape[i];
      last += (shape[i] - 1) * strides[i];
    }
    if (numel > 0 && (offset < 0 || last >= storage.numel()))
      throw new IOException("tensor '" + name + "' reaches element " + last + " of a storage with only " + storage.numel() + " elements");
    if (numel == 0) return torch.zeros(shape, new TensorOptions(storage.scalar_type()));
    try (Tensor v = storage.as_strided(shape, strides, new LongOptional(offset))) {
      return v.clone(new MemoryFormatOptional(MemoryFormat.Contiguous));
    }
  }

  /** The little-endian bytes of a tensor (any device; copied to a contiguous CPU tensor first). */
  static byte[] bytes(Tensor t) {
    Tensor c = t.detach().to(new Device("cpu"), t.scalar_type()).contiguous();
    byte[] out = new byte[(int) c.nbytes()];
    if (out.length > 0) new BytePointer(c.data_ptr()).capacity(out.length).get(out);
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? out : swapped(out, (int) c.element_size());
  }

  private static byte[] swapped(byte[] in, int size) {
    byte[] out = new byte[in.length];
    for (int i = 0; i + size <= in.length; i += size)
      for (int j = 0; j < size; j++) out[i + j] = in[i + size - 1 - j];
    return out;
  }
}
