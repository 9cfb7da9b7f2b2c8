package io.caseflow.workflow;

import java.util.List;

/** A workflow definition the service refuses to run with; names the source and every problem. */
public final class WorkflowDefinitionException extends RuntimeException {

  public WorkflowDefinitionException(String source, List<String> problems) {
    super("Invalid workflow definition " + source + ":\n  - " + String.join("\n  - ", problems));
  }
}
