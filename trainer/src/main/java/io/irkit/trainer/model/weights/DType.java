package io.irkit.trainer.model.weights;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types of weight files, with their names in safetensors headers and torch.save storages. */
public enum DType {
  F64("F64", "DoubleStorage", 8),
  F32("F32", "FloatStorage", 4),
  F16("F16", "HalfStorage", 2),
  BF16("BF16", "BFloat16Storage", 2),
  I64("I64", "LongStorage", 8),
  I32("I32", "IntStorage", 4),
  I16("I16", "ShortStorage", 2),
  I8("I8", "CharStorage", 1),
  U8("U8", "ByteStorage", 1),
  BOOL("BOOL", "BoolStorage", 1);

  public final String safetensorsName;
  public final String storageName;
  public final int size;

  DType(String safetensorsName, String storageName, int size) {
    this.safetensorsName = safetensorsName;
    this.storageName = storageName;
    this.size = size;
  }

  public ScalarType scalarType() {
    return switch (this) {
      case F64 -> ScalarType.Double;
      case F32 -> ScalarType.Float;
      case F16 -> ScalarType.Half;
      case BF16 -> ScalarType.BFloat16;
      case I64 -> ScalarType.Long;
      case I32 -> ScalarType.Int;
      case I16 -> ScalarType.Short;
      case I8 -> ScalarType.Char;
      case U8 -> ScalarType.Byte;
      case BOOL -> ScalarType.Bool;
    };
  }

  /** The type of a safetensors header's "dtype", or null if irkit does not read it. */
  public static DType ofSafetensors(String name) {
    for (DType t : values()) if (t.safetensorsName.equals(name)) return t;
    return null;
  }

  /** The type of a torch.save storage class such as torch.FloatStorage, or null if unknown. */
  public static DType ofStorage(String className) {
    for (DType t : values()) if (t.storageName.equals(className)) return t;
    return null;
  }

  public static DType of(ScalarType s) {
    for (DType t : values()) if (t.scalarType().value == s.value) return t; // compare values: == fails on these enums
    throw new IllegalArgumentException("no weight-file type for tensors of " + s);
  }
}
