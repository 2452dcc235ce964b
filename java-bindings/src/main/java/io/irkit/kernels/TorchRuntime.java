package io.irkit.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the bundled LibTorch before any torch class is touched. On a machine where a system
 * libtorch exists (e.g. Debian's libtorch1.13), the first load would otherwise pick it up and the JVM
 * dies: extracting the bundled libraries into the JavaCPP cache first makes the loader use them.
 */
public final class TorchRuntime {
  private static volatile boolean ready;

  private TorchRuntime() {}

  public static void init() {
    if (ready) return;
    synchronized (TorchRuntime.class) {
      if (ready) return;
      try {
        Loader.cacheResources("/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the bundled LibTorch libraries", e);
      }
      ready = true;
    }
  }
}
