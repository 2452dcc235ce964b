package io.irkit.trainer;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of trainer.jar. */
@Command(name = "trainer.jar", mixinStandardHelpOptions = true, version = "irkit 0.1.0",
    description = "irkit: train and evaluate image-retrieval models with native metric-learning kernels.",
    subcommands = {ConformanceCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("error: " + ex.getMessage());
      return 2;
    });
    return cl;
  }
}
