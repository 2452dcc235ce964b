package io.irkit.trainer;

import io.irkit.conformance.ConformanceRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = {"Check irkit against reference values (schema of shared/refs/pml-2.8.1): one line per case and",
        "configuration with its max errors, then 'N passed, M failed, K skipped'. Exit 1 if any failed."})
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "A reference directory with losses/ and/or accuracy/ cases.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    return ConformanceRunner.run(dir, System.out).ok() ? 0 : 1;
  }
}
