package io.irkit.kernels;

import io.irkit.bindings.Irkit;

/** The one place where native status codes become Java exceptions. */
final class NativeStatus {
  private NativeStatus() {}

  static void check(int status) {
    if (status == Irkit.IRK_OK) return;
    String message = Irkit.irk_last_error().getString();
    switch (status) {
      case Irkit.IRK_ERR_INVALID_ARGUMENT:
        throw new IllegalArgumentException(message);
      case Irkit.IRK_ERR_UNSUPPORTED:
        throw new UnsupportedOperationException(message);
      case Irkit.IRK_ERR_OUT_OF_MEMORY:
        throw new IrkitException(status, message + " (native out of memory)");
      default:
        throw new IrkitException(status, message);
    }
  }
}
