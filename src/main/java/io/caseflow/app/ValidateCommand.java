package io.caseflow.app;

import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowRegistry;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar caseflow.jar validate <dir>}: checks a directory of workflow definitions as the
 * service checks them at start-up, without starting anything. Exit 0 when every definition is
 * valid, 2 with every problem listed otherwise.
 */
public final class ValidateCommand {

  public static final int VALID = 0;
  public static final int INVALID = 2;

  private ValidateCommand() {}

  public static int run(List<String> arguments, PrintStream out, PrintStream err) {
    if (arguments.size() != 1) {
      err.println("usage: java -jar caseflow.jar validate <directory of workflow .conf files>");
      return INVALID;
    }
    Path directory = Path.of(arguments.get(0));
    try {
      WorkflowRegistry registry = WorkflowRegistry.fromDirectory(directory);
      for (Workflow workflow : registry.all()) {
        out.printf(
            "valid: %s v%d (%d states, %d actions)%n",
            workflow.name(),
            workflow.version(),
            workflow.states().size(),
            workflow.actions().size());
      }
      registry.migrationGaps().forEach(gap -> out.println("warning: " + gap));
      return VALID;
    } catch (WorkflowDefinitionException | UncheckedIOException invalid) {
      err.println(invalid.getMessage());
      return INVALID;
    }
  }
}
