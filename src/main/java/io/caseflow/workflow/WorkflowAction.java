package io.caseflow.workflow;

import java.util.List;
import java.util.Set;

/** An action of a workflow: which states it leaves, where it leads, who may take it. */
public record WorkflowAction(
    String name,
    Set<String> from,
    String to,
    Set<String> roles,
    List<String> requiredFields,
    boolean commentRequired) {

  public WorkflowAction {
    from = Set.copyOf(from);
    roles = Set.copyOf(roles);
    requiredFields = List.copyOf(requiredFields);
  }
}
