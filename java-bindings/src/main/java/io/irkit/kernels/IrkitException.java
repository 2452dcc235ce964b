package io.irkit.kernels;

/** A failure reported by the native library, carrying its status code and message. */
public class IrkitException extends RuntimeException {
  private final int status;

  public IrkitException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The irk_status code (see irkit.h). */
  public int status() {
    return status;
  }
}
