package io.irkit.trainer;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** YAML <-> options: keys are the long flag names without dashes. */
final class OptionsYaml {
  private OptionsYaml() {}

  static Map<String, Object> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (doc == null) return Map.of();
      if (!(doc instanceof Map<?, ?> m)) throw new IOException(file + ": expected a YAML mapping of option names to values");
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
  }

  static void write(Map<String, Object> values, Path file) throws IOException {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(file, new Yaml(o).dump(values));
  }

  static Map<String, Object> toMap(Object options) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : options.getClass().getFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) continue;
      try {
        Object v = f.get(options);
        if (v instanceof Path p) v = p.toString();
        if (v instanceof List<?> l) v = l.stream().map(String::valueOf).collect(Collectors.toList());
        if (v != null) out.put(key(o.names()[0]), v);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  static String key(String flag) {
    return flag.replaceFirst("^-+", "");
  }

  /** Supplies option defaults from a YAML map; unknown keys are reported as errors. */
  static CommandLine.IDefaultValueProvider defaults(Map<String, Object> yaml) {
    return (ArgSpec spec) -> {
      if (!(spec instanceof OptionSpec opt)) return null;
      Object v = yaml.get(key(opt.longestName()));
      if (v == null || (v instanceof Map<?, ?> e && e.isEmpty()) || (v instanceof List<?> l0 && l0.isEmpty())) return null;
      if (v instanceof Map<?, ?> m)
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
      if (v instanceof List<?> l) return l.stream().map(String::valueOf).collect(Collectors.joining(","));
      return String.valueOf(v);
    };
  }
}
