package io.caseflow.testing;

import io.caseflow.workflow.WorkflowRegistry;
import java.nio.file.Path;

/** The tests' own workflow definitions ({@code src/test/resources/test-workflows}). */
public final class TestWorkflows {

  /** A four-eyes review named {@code onboarding}, shaped like the due-diligence demo. */
  public static final String ONBOARDING = "onboarding";

  public static final Path DIRECTORY = Path.of("src/test/resources/test-workflows");

  public static final WorkflowRegistry REGISTRY = WorkflowRegistry.fromDirectory(DIRECTORY);

  private TestWorkflows() {}
}
