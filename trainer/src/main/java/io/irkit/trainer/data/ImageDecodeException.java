package io.irkit.trainer.data;

import java.nio.file.Path;

/** An image that cannot be read; thrown by a strict {@link ImageDecoder}. */
public final class ImageDecodeException extends RuntimeException {
  private final Path path;
  private final DecodeStats.Failure failure;

  public ImageDecodeException(Path path, DecodeStats.Failure failure, String message) {
    super(failure.name().toLowerCase() + " image " + path + ": " + message);
    this.path = path;
    this.failure = failure;
  }

  public Path path() {
    return path;
  }

  public DecodeStats.Failure failure() {
    return failure;
  }
}
