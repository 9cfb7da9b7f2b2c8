package io.caseflow.testing;

import io.caseflow.workflow.WorkflowRegistry;
import java.nio.file.Path;

/** The tests' own workflow definitions ({@code src/test/resources/test-workflows}). */
public final class TestWorkflows {

  /** A four-eyes review named {@code onboarding}, shaped like the due-diligence demo. */
  public static final String ONBOARDING = "onboarding";

  /** A review that escalates after three days in review, or at the case's own due date. */
  public static final String ESCALATING_REVIEW = "escalating-review";

  /** A person's identity check whose subject, title and two fields are personal data. */
  public static final String IDENTITY_CHECK = "identity-check";

  public static final Path DIRECTORY = Path.of("src/test/resources/test-workflows");

  public static final WorkflowRegistry REGISTRY = WorkflowRegistry.fromDirectory(DIRECTORY);

  private TestWorkflows() {}
}
