package io.caseflow.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One version of a declared workflow: the states a case moves through and the actions that move it.
 * Definitions are immutable; a new version is a new definition, and a case keeps following the
 * version it was opened with. Fields and actions keep their declaration order. With {@code
 * uniqueOpenPerSubject}, a tenant may have only one open case of this workflow per subject. {@code
 * personalTexts} names which of a case's own texts ({@code subject}, {@code title}) hold personal
 * data; a field says so itself ({@link FieldSpec#personal()}). Personal values are stored encrypted
 * with a key of their subject's, so erasing the key erases them. {@code deadlines} and {@code due}
 * make the system act on a case in time; {@code migrations} say how cases of older versions move to
 * this one.
 */
public record Workflow(
    String name,
    int version,
    List<String> states,
    String initialState,
    Set<String> terminalStates,
    Set<String> roles,
    Set<String> openRoles,
    Map<String, FieldSpec> fields,
    Map<String, WorkflowAction> actions,
    List<MakerChecker> makerChecker,
    boolean uniqueOpenPerSubject,
    Set<String> personalTexts,
    List<Deadline> deadlines,
    Optional<DueDate> due,
    List<Migration> migrations) {

  /** The case's own texts a workflow may declare personal. */
  public static final Set<String> CASE_TEXTS = Set.of("subject", "title");

  /** The state of a case a merge saga holds as its duplicate; no workflow may declare it. */
  public static final String MERGING_STATE = "merging";

  /** The terminal state of a case merged into another; no workflow may declare it. */
  public static final String MERGED_STATE = "merged";

  public Workflow {
    states = List.copyOf(states);
    terminalStates = Set.copyOf(terminalStates);
    roles = Set.copyOf(roles);
    openRoles = Set.copyOf(openRoles);
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    makerChecker = List.copyOf(makerChecker);
    personalTexts = Set.copyOf(personalTexts);
    deadlines = List.copyOf(deadlines);
    migrations = List.copyOf(migrations);
  }

  /** The deadlines that run while a case is in {@code state}. */
  public List<Deadline> deadlinesIn(String state) {
    return deadlines.stream().filter(deadline -> deadline.state().equals(state)).toList();
  }

  /** How cases of {@code fromVersion} move to this version, if this version says. */
  public Optional<Migration> migrationFrom(int fromVersion) {
    return migrations.stream().filter(m -> m.fromVersion() == fromVersion).findFirst();
  }

  /** Whether only the system (a deadline) may perform the action: it names no role. */
  public boolean isSystemAction(String actionName) {
    return action(actionName).map(action -> action.roles().isEmpty()).orElse(false);
  }

  /** Whether the case's subject holds personal data. */
  public boolean personalSubject() {
    return personalTexts.contains("subject");
  }

  /** Whether the case's title holds personal data. */
  public boolean personalTitle() {
    return personalTexts.contains("title");
  }

  /** Whether anything of a case of this workflow is personal. */
  public boolean holdsPersonalData() {
    return !personalTexts.isEmpty() || fields.values().stream().anyMatch(FieldSpec::personal);
  }

  /** Whether the field is declared and personal. */
  public boolean isPersonalField(String fieldName) {
    return field(fieldName).map(FieldSpec::personal).orElse(false);
  }

  public Optional<WorkflowAction> action(String actionName) {
    return Optional.ofNullable(actions.get(actionName));
  }

  public Optional<FieldSpec> field(String fieldName) {
    return Optional.ofNullable(fields.get(fieldName));
  }

  public boolean isTerminal(String state) {
    return terminalStates.contains(state);
  }

  /** Closed for good: in a terminal state, or merged into another case. */
  public boolean isClosed(String state) {
    return MERGED_STATE.equals(state) || isTerminal(state);
  }

  /** The actions whose last performer may not perform {@code checkerAction} (four eyes). */
  public Set<String> makersOf(String checkerAction) {
    return makerChecker.stream()
        .filter(pair -> pair.checker().equals(checkerAction))
        .flatMap(pair -> pair.makers().stream())
        .collect(Collectors.toUnmodifiableSet());
  }
}
