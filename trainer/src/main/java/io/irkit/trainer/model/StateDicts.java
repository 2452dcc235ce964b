package io.irkit.trainer.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Copies tensors read from a file into a model's live tensors by name, strictly. */
final class StateDicts {
  private static final int LISTED = 8;

  private StateDicts() {}

  /**
   * Copies source[name] into target[name] for every target name (converting dtypes), after checking
   * that no target name is missing, no source name is unexpected (unless ignored) and every shape
   * matches; otherwise throws an IOException that lists every problem, naming the keys.
   */
  static void copyInto(Map<String, Tensor> target, Map<String, Tensor> source, String from, Predicate<String> ignored)
      throws IOException {
    List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), shapes = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      Tensor s = source.get(e.getKey());
      if (s == null) missing.add(e.getKey());
      else if (!Arrays.equals(s.shape(), e.getValue().shape()))
        shapes.add("'" + e.getKey() + "' is " + Arrays.toString(s.shape()) + " in the file but "
            + Arrays.toString(e.getValue().shape()) + " in the model");
    }
    for (String k : source.keySet()) if (!target.containsKey(k) && !ignored.test(k)) unexpected.add(k);
    if (!missing.isEmpty() || !unexpected.isEmpty() || !shapes.isEmpty()) {
      StringBuilder msg = new StringBuilder("cannot load weights from " + from + ":");
      list(msg, "shape mismatch", shapes);
      list(msg, "missing key", missing);
      list(msg, "unexpected key", unexpected);
      throw new IOException(msg.toString());
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : target.entrySet()) e.getValue().copy_(source.get(e.getKey()));
    }
  }

  private static void list(StringBuilder msg, String what, List<String> items) {
    if (items.isEmpty()) return;
    msg.append("\n  ").append(items.size()).append(' ').append(what).append(items.size() == 1 ? "" : what.endsWith("h") ? "es" : "s").append(": ");
    msg.append(String.join(", ", items.subList(0, Math.min(LISTED, items.size()))));
    if (items.size() > LISTED) msg.append(", ... (").append(items.size() - LISTED).append(" more)");
  }
}
