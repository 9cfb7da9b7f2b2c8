package io.caseflow.readside;

import io.caseflow.jdbc.Sql;
import io.caseflow.workflow.Deadline;
import io.caseflow.workflow.DueDate;
import io.caseflow.workflow.FieldSpec;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The deadlines running on cases ({@code due_timers}), derived from their events by the read side
 * in the transaction that applies them: a case entering a state starts the state's deadlines (from
 * that event's time), its due date (a data field) starts the due-date deadline, and a case moving
 * on replaces them. A closed case has none.
 */
public final class DueTimers {

  /** Where a case stands, as far as its deadlines go. */
  record Standing(
      String tenant,
      String caseId,
      int slice,
      String workflow,
      int workflowVersion,
      String state,
      long enteredSeq,
      Instant enteredAt,
      Map<String, Object> data) {}

  private final WorkflowRegistry workflows;

  /**
   * The workflows of which some version declares a deadline or a due date: the cases of any other
   * have no timers, and their events need no look at {@code due_timers}.
   */
  private final Set<String> timed;

  public DueTimers(WorkflowRegistry workflows) {
    this.workflows = workflows;
    this.timed =
        workflows.all().stream()
            .filter(version -> !version.deadlines().isEmpty() || version.due().isPresent())
            .map(Workflow::name)
            .collect(Collectors.toUnmodifiableSet());
  }

  /** One deadline running on a case. */
  private record Timer(String deadline, long startedSeq, Instant dueAt) {}

  private record CaseKey(String tenant, String caseId) {}

  /**
   * Brings each case's timers to where it stands now: timers that no longer run are removed, new
   * ones added, and a timer that still runs is kept as it is, settled or not, so a deadline fired
   * once is not fired again because the case moved on in another way.
   */
  void replace(Connection connection, List<Standing> standings) throws SQLException {
    List<Standing> cases =
        standings.stream().filter(standing -> timed.contains(standing.workflow())).toList();
    if (cases.isEmpty()) {
      return;
    }
    Map<CaseKey, Set<Timer>> existing = existing(connection, cases);
    List<Object[]> removed = new ArrayList<>();
    List<Object[]> added = new ArrayList<>();
    for (Standing standing : cases) {
      CaseKey key = new CaseKey(standing.tenant(), standing.caseId());
      Set<Timer> wanted = wanted(standing);
      Set<Timer> running = existing.getOrDefault(key, Set.of());
      running.stream()
          .filter(timer -> !wanted.contains(timer))
          .forEach(
              timer -> removed.add(new Object[] {key.tenant(), key.caseId(), timer.deadline()}));
      wanted.stream()
          .filter(timer -> !running.contains(timer))
          .forEach(
              timer ->
                  added.add(
                      new Object[] {
                        key.tenant(),
                        key.caseId(),
                        timer.deadline(),
                        timer.startedSeq(),
                        timer.dueAt(),
                        standing.slice()
                      }));
    }
    Sql.batch(
        connection,
        "DELETE FROM due_timers WHERE tenant = ? AND case_id = ? AND deadline = ?",
        removed);
    Sql.batch(
        connection,
        "INSERT INTO due_timers (tenant, case_id, deadline, started_seq, due_at, slice, settled)"
            + " VALUES (?, ?, ?, ?, ?, ?, FALSE)",
        added);
  }

  /** The timers that run where the case stands: none once it is closed. */
  private Set<Timer> wanted(Standing standing) {
    Optional<Workflow> workflow =
        workflows.version(standing.workflow(), standing.workflowVersion());
    Set<Timer> timers = new HashSet<>();
    if (workflow.isEmpty() || workflow.get().isClosed(standing.state())) {
      return timers;
    }
    for (Deadline deadline : workflow.get().deadlinesIn(standing.state())) {
      timers.add(
          new Timer(
              deadline.key(), standing.enteredSeq(), standing.enteredAt().plus(deadline.after())));
    }
    workflow
        .get()
        .due()
        .filter(
            due ->
                workflow
                    .get()
                    .action(due.action())
                    .map(action -> action.from().contains(standing.state()))
                    .orElse(false))
        .flatMap(due -> dueAt(standing, due))
        .ifPresent(timers::add);
    return timers;
  }

  private static Map<CaseKey, Set<Timer>> existing(Connection connection, List<Standing> cases)
      throws SQLException {
    Map<String, List<String>> idsByTenant = new TreeMap<>();
    cases.forEach(
        standing ->
            idsByTenant
                .computeIfAbsent(standing.tenant(), tenant -> new ArrayList<>())
                .add(standing.caseId()));
    Map<CaseKey, Set<Timer>> timers = new HashMap<>();
    for (Map.Entry<String, List<String>> tenant : idsByTenant.entrySet()) {
      List<Object> parameters = new ArrayList<>();
      parameters.add(tenant.getKey());
      parameters.addAll(tenant.getValue());
      Sql.query(
          connection,
          "SELECT case_id, deadline, started_seq, due_at FROM due_timers WHERE tenant = ?"
              + " AND case_id IN ("
              + String.join(", ", Collections.nCopies(tenant.getValue().size(), "?"))
              + ")",
          row ->
              timers
                  .computeIfAbsent(
                      new CaseKey(tenant.getKey(), row.getString(1)), key -> new HashSet<>())
                  .add(new Timer(row.getString(2), row.getLong(3), Sql.instant(row, 4))),
          parameters.toArray());
    }
    return timers;
  }

  /**
   * The due-date timer, when the case has a due date and is where its action can be taken: armed
   * anew each time the case enters such a state (a review submitted after its date escalates at
   * once), and for the date as it is (the case checks the date it fires for is still its own).
   */
  private static Optional<Timer> dueAt(Standing standing, DueDate due) {
    return Optional.ofNullable(standing.data().get(due.field()))
        .map(FieldSpec::instantOf)
        .map(at -> new Timer(DueDate.KEY, standing.enteredSeq(), at));
  }
}
