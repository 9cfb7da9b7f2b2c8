package io.caseflow.http;

import io.caseflow.workflow.MakerChecker;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowAction;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow definition as {@code GET /workflows} shows it: fields and actions in declaration
 * order, sets sorted for stable output.
 */
record WorkflowView(
    String name,
    int version,
    List<String> states,
    String initialState,
    List<String> terminalStates,
    List<String> roles,
    List<String> openRoles,
    List<String> personal,
    Map<String, FieldView> fields,
    List<ActionView> actions,
    List<MakerCheckerView> makerChecker,
    List<DeadlineView> deadlines,
    DueView due,
    List<MigrationView> migrations) {

  /** {@code after}: an ISO-8601 duration ({@code PT72H}). */
  record DeadlineView(String state, String after, String action) {}

  record DueView(String field, String action) {}

  record MigrationView(int fromVersion, Map<String, String> states) {}

  record FieldView(String type, List<String> values, boolean personal) {}

  record ActionView(
      String name,
      List<String> from,
      String to,
      List<String> roles,
      List<String> requires,
      boolean requiresComment) {}

  record MakerCheckerView(String checker, List<String> makers) {}

  static WorkflowView of(Workflow workflow) {
    Map<String, FieldView> fields = new LinkedHashMap<>();
    workflow
        .fields()
        .forEach(
            (name, spec) ->
                fields.put(
                    name,
                    new FieldView(
                        spec.type().name().toLowerCase(), spec.values(), spec.personal())));
    return new WorkflowView(
        workflow.name(),
        workflow.version(),
        workflow.states(),
        workflow.initialState(),
        sorted(workflow.terminalStates()),
        sorted(workflow.roles()),
        sorted(workflow.openRoles()),
        sorted(workflow.personalTexts()),
        fields,
        workflow.actions().values().stream().map(WorkflowView::actionView).toList(),
        workflow.makerChecker().stream()
            .sorted(Comparator.comparing(MakerChecker::checker))
            .map(pair -> new MakerCheckerView(pair.checker(), sorted(pair.makers())))
            .toList(),
        workflow.deadlines().stream()
            .map(d -> new DeadlineView(d.state(), d.after().toString(), d.action()))
            .toList(),
        workflow.due().map(due -> new DueView(due.field(), due.action())).orElse(null),
        workflow.migrations().stream()
            .map(m -> new MigrationView(m.fromVersion(), new java.util.TreeMap<>(m.states())))
            .toList());
  }

  private static ActionView actionView(WorkflowAction action) {
    return new ActionView(
        action.name(),
        sorted(action.from()),
        action.to(),
        sorted(action.roles()),
        action.requiredFields(),
        action.commentRequired());
  }

  private static List<String> sorted(Collection<String> values) {
    return values.stream().sorted().toList();
  }
}
