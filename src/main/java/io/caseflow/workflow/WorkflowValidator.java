package io.caseflow.workflow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The semantic rules of a workflow definition; each broken rule becomes one named problem. */
final class WorkflowValidator {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  private final Workflow workflow;
  private final List<String> problems;

  WorkflowValidator(Workflow workflow, List<String> problems) {
    this.workflow = workflow;
    this.problems = problems;
  }

  void validate() {
    checkNames();
    checkStates();
    workflow.actions().values().forEach(this::checkAction);
    if (workflow.states().contains(workflow.initialState())) {
      checkReachability();
    }
    checkMakerChecker();
    checkPersonal();
    checkDeadlines();
    checkMigrations();
  }

  /**
   * A deadline's (or the due date's) action must be one the system can take from where the deadline
   * runs: it leaves that state, and needs no data or comment, which the system has none of. An
   * action with no role is one only a deadline takes.
   */
  private void checkDeadlines() {
    for (Deadline deadline : workflow.deadlines()) {
      String what = "deadline in '" + deadline.state() + "'";
      if (!workflow.states().contains(deadline.state())) {
        problems.add(what + ": no such state");
      } else if (workflow.isTerminal(deadline.state())) {
        problems.add(what + ": a terminal state is never left");
      }
      if (deadline.after().isNegative() || deadline.after().isZero()) {
        problems.add(what + ": 'after' must be longer than zero, was " + deadline.after());
      }
      systemAction(what, deadline.action())
          .filter(action -> !action.from().contains(deadline.state()))
          .ifPresent(
              action ->
                  problems.add(
                      what
                          + ": action '"
                          + action.name()
                          + "' does not leave '"
                          + deadline.state()
                          + "'"));
    }
    workflow
        .due()
        .ifPresent(
            due -> {
              String what = "'due'";
              Optional<FieldSpec> field = workflow.field(due.field());
              if (field.isEmpty() || field.get().type() != FieldSpec.FieldType.INSTANT) {
                problems.add(
                    what + ": field '" + due.field() + "' must be a declared instant field");
              } else if (field.get().personal()) {
                problems.add(what + ": field '" + due.field() + "' may not be personal data");
              }
              systemAction(what, due.action());
            });
    for (WorkflowAction action : workflow.actions().values()) {
      boolean takenBySystem =
          workflow.deadlines().stream().anyMatch(d -> d.action().equals(action.name()))
              || workflow.due().map(due -> due.action().equals(action.name())).orElse(false);
      if (action.roles().isEmpty() && !takenBySystem) {
        problems.add("action '" + action.name() + "' allows no role, and no deadline takes it");
      }
    }
  }

  /** The action the system takes, if it exists and needs nothing the system lacks. */
  private Optional<WorkflowAction> systemAction(String what, String name) {
    Optional<WorkflowAction> action = workflow.action(name);
    if (action.isEmpty()) {
      problems.add(what + ": no action '" + name + "'");
    } else if (!action.get().requiredFields().isEmpty() || action.get().commentRequired()) {
      problems.add(
          what
              + ": action '"
              + name
              + "' requires data or a comment, which the system has none of");
    }
    return action;
  }

  /**
   * A migration comes from an older version and leads every mapped state to a state of this one.
   */
  private void checkMigrations() {
    Set<Integer> from = new HashSet<>();
    for (Migration migration : workflow.migrations()) {
      String what = "migration from version " + migration.fromVersion();
      if (migration.fromVersion() < 1 || migration.fromVersion() >= workflow.version()) {
        problems.add(what + ": must come from an older version than " + workflow.version());
      }
      if (!from.add(migration.fromVersion())) {
        problems.add(what + " is declared more than once");
      }
      migration
          .states()
          .forEach(
              (old, target) -> {
                if (!workflow.states().contains(target)) {
                  problems.add(what + ": '" + old + "' leads to unknown state '" + target + "'");
                }
              });
    }
  }

  /** Only the case's subject and title can be declared personal besides fields. */
  private void checkPersonal() {
    workflow.personalTexts().stream()
        .filter(text -> !Workflow.CASE_TEXTS.contains(text))
        .sorted()
        .forEach(
            text ->
                problems.add(
                    "'personal' lists '"
                        + text
                        + "': only subject and title (a field says"
                        + " personal = true itself)"));
  }

  private void checkNames() {
    if (!NAME.matcher(workflow.name()).matches()) {
      problems.add("name '" + workflow.name() + "' must match " + NAME.pattern());
    }
    if (workflow.version() < 1) {
      problems.add("version must be 1 or more, was " + workflow.version());
    }
    if (workflow.roles().isEmpty()) {
      problems.add("'roles' declares no role");
    }
    unknownRoles("open-roles", workflow.openRoles());
    workflow.states().stream()
        .filter(state -> !NAME.matcher(state).matches())
        .forEach(state -> problems.add("state '" + state + "' must match " + NAME.pattern()));
  }

  private void checkStates() {
    Set<String> states = Set.copyOf(workflow.states());
    if (!states.contains(workflow.initialState())) {
      problems.add("initial-state '" + workflow.initialState() + "' is not a declared state");
    }
    if (workflow.terminalStates().isEmpty()) {
      problems.add("'terminal-states' declares no terminal state");
    }
    if (workflow.isTerminal(workflow.initialState())) {
      problems.add("initial-state '" + workflow.initialState() + "' may not be terminal");
    }
    for (String terminal : workflow.terminalStates()) {
      if (!states.contains(terminal)) {
        problems.add("terminal state '" + terminal + "' is not a declared state");
      }
    }
    for (String reserved : List.of(Workflow.MERGING_STATE, Workflow.MERGED_STATE)) {
      if (states.contains(reserved)) {
        problems.add("state '" + reserved + "' is reserved for case merges");
      }
    }
  }

  private void checkAction(WorkflowAction action) {
    String what = "action '" + action.name() + "'";
    if (!NAME.matcher(action.name()).matches()) {
      problems.add(what + ": name must match " + NAME.pattern());
    }
    for (String from : action.from()) {
      if (!workflow.states().contains(from)) {
        problems.add(what + " leaves unknown state '" + from + "'");
      } else if (workflow.isTerminal(from)) {
        problems.add(what + " leaves terminal state '" + from + "'");
      }
    }
    if (action.from().isEmpty()) {
      problems.add(what + " leaves no state ('from' is empty)");
    }
    if (!workflow.states().contains(action.to())) {
      problems.add(what + " leads to unknown state '" + action.to() + "'");
    }
    unknownRoles(what, action.roles());
    for (String field : action.requiredFields()) {
      if (!workflow.fields().containsKey(field)) {
        problems.add(what + " requires undeclared field '" + field + "'");
      }
    }
  }

  private void unknownRoles(String what, Set<String> roles) {
    for (String role : roles) {
      if (!workflow.roles().contains(role)) {
        problems.add(
            what + " names unknown role '" + role + "' (declared: " + workflow.roles() + ")");
      }
    }
  }

  private void checkReachability() {
    Set<String> reached = new HashSet<>();
    Deque<String> frontier = new ArrayDeque<>(List.of(workflow.initialState()));
    while (!frontier.isEmpty()) {
      String state = frontier.pop();
      if (reached.add(state)) {
        workflow.actions().values().stream()
            .filter(action -> action.from().contains(state))
            .forEach(action -> frontier.push(action.to()));
      }
    }
    for (String state : workflow.states()) {
      if (!reached.contains(state)) {
        problems.add("state '" + state + "' is unreachable from '" + workflow.initialState() + "'");
      } else if (!workflow.isTerminal(state)
          && workflow.actions().values().stream().noneMatch(a -> a.from().contains(state))) {
        problems.add("state '" + state + "' is not terminal but no action leaves it");
      }
    }
  }

  private void checkMakerChecker() {
    Set<String> checkers = new LinkedHashSet<>();
    for (MakerChecker pair : workflow.makerChecker()) {
      String what = "maker-checker pair for '" + pair.checker() + "'";
      if (!workflow.actions().containsKey(pair.checker())) {
        problems.add(what + " names unknown checker action '" + pair.checker() + "'");
      }
      if (!checkers.add(pair.checker())) {
        problems.add(what + " is declared more than once");
      }
      if (pair.makers().isEmpty()) {
        problems.add(what + " names no maker action");
      }
      for (String maker : pair.makers()) {
        if (!workflow.actions().containsKey(maker)) {
          problems.add(what + " names unknown maker action '" + maker + "'");
        }
      }
    }
  }
}
