package io.caseflow.workflow;

import java.util.List;

/** A workflow definition the service refuses to run with; names the source and every problem. */
public final class WorkflowDefinitionException extends RuntimeException {

  public WorkflowDefinitionException(String source, List<String> problems) {
    super("Invalid workflow definition " + source + ":\n  - " + String.join("\n  - ", problems));
  }

  private WorkflowDefinitionException(String message) {
    super(message);
  }

  /** The problems of several sources at once, so one run reports all of them. */
  public static WorkflowDefinitionException of(List<WorkflowDefinitionException> each) {
    return each.size() == 1
        ? each.get(0)
        : new WorkflowDefinitionException(
            String.join("\n", each.stream().map(WorkflowDefinitionException::getMessage).toList()));
  }
}
