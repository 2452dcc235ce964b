package io.irkit.trainer;

import io.irkit.kernels.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of trainer.jar. */
@Command(name = "trainer.jar", mixinStandardHelpOptions = true, version = "irkit 0.1.0",
    description = "irkit: train and evaluate image-retrieval models with native metric-learning kernels.",
    subcommands = {TrainCommand.class, EvalCommand.class, EmbedCommand.class, ConformanceCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI: exit 0 ok, 1 failure, 2 bad flags or values (one line naming what is wrong). */
  static int execute(String... args) {
    CommandLine cl;
    try {
      cl = commandLine(args);
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    return cl.execute(args);
  }

  static CommandLine commandLine(String... args) throws java.io.IOException {
    TorchRuntime.init();
    CommandLine cl = new CommandLine(new Main());
    Map<String, Object> yaml = yamlDefaults(args);
    if (!yaml.isEmpty()) {
      checkKeys(cl, yaml);
      for (CommandLine sub : cl.getSubcommands().values()) sub.setDefaultValueProvider(OptionsYaml.defaults(yaml));
    }
    CommandLine.IParameterExceptionHandler bad = (ex, a) -> {
      ex.getCommandLine().getErr().println("error: " + ex.getMessage());
      return 2;
    };
    CommandLine.IExecutionExceptionHandler failed = (ex, c, r) -> {
      Throwable t = ex;
      boolean userError = t instanceof IllegalArgumentException || t instanceof UnsupportedOperationException;
      c.getErr().println("error: " + (t.getMessage() != null ? t.getMessage() : t.toString()));
      if (!userError && System.getenv("IRKIT_DEBUG") != null) t.printStackTrace(c.getErr());
      return userError ? 2 : 1;
    };
    cl.setParameterExceptionHandler(bad).setExecutionExceptionHandler(failed).setOverwrittenOptionsAllowed(true);
    return cl;
  }

  /** --config FILE, or a run's config.yaml for --resume DIR / eval / embed RUN_DIR. */
  private static Map<String, Object> yamlDefaults(String[] args) throws java.io.IOException {
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") && i + 1 < args.length) config = Path.of(args[i + 1]);
      else if (a.startsWith("--config=")) config = Path.of(a.substring(9));
      else if (a.equals("--resume") && i + 1 < args.length) config = Path.of(args[i + 1], "config.yaml");
    }
    if (config == null && args.length >= 2 && (args[0].equals("eval") || args[0].equals("embed"))) {
      Path target = Path.of(args[1]);
      Path runDir = Files.isDirectory(target) ? target : target.toAbsolutePath().getParent();
      if (runDir != null && Files.isRegularFile(runDir.resolve("config.yaml"))) config = runDir.resolve("config.yaml");
    }
    if (config == null) return Map.of();
    if (!Files.isRegularFile(config)) throw new IllegalArgumentException("config file not found: " + config);
    return OptionsYaml.read(config);
  }

  private static void checkKeys(CommandLine cl, Map<String, Object> yaml) {
    Set<String> known = new HashSet<>();
    cl.getSubcommands().get("train").getCommandSpec().options().forEach(o -> known.add(OptionsYaml.key(o.longestName())));
    for (String k : yaml.keySet())
      if (!known.contains(k)) throw new IllegalArgumentException("unknown key '" + k + "' in the YAML config (keys are train's flag names without dashes)");
  }
}
