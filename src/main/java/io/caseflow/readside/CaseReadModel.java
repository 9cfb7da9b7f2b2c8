package io.caseflow.readside;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.Transition;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.PersonalData;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the query tables from case events: {@code cases}, {@code case_transitions}, {@code
 * audit_log} and {@code state_counts}. It is their only writer and always writes through the
 * connection it is given, so events and the projection offset commit in one transaction.
 *
 * <p>An event is recorded when its audit row is added: that row takes the next feed position of the
 * slice (the live event streams follow it), and the {@link RecordedEventsHandler followers} derive
 * their rows from the event in the same transaction.
 *
 * <p>Every statement is idempotent: applying an event twice changes nothing. The {@code cases} row
 * moves only forward ({@code version} below the event's sequence number), and the counters move
 * only when the {@code cases} row did.
 *
 * <p>A group of events costs a handful of round trips, not a handful per event: each table's rows
 * go in one JDBC batch, each case's events are folded in memory into one update, and the counters
 * move once per state.
 */
public final class CaseReadModel {

  private static final String INSERT_AUDIT =
      "INSERT INTO audit_log (tenant, case_id, seq, type, actor, at, payload, hash, prev_hash,"
          + " slice, feed_position) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM audit_log WHERE tenant = ? AND case_id = ? AND seq = ?)";
  private static final String INSERT_TRANSITION =
      "INSERT INTO case_transitions (tenant, case_id, seq, action, from_state, to_state, actor,"
          + " at, comment) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM case_transitions WHERE tenant = ? AND case_id = ? AND seq = ?)";
  private static final String INSERT_CASE =
      "INSERT INTO cases (tenant, id, workflow, workflow_version, subject, subject_ref, title,"
          + " state, assignee, version, data, created_at, updated_at, last_actor, slice,"
          + " state_seq, state_since, performers)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 1, ?, '{}' WHERE NOT EXISTS"
          + " (SELECT 1 FROM cases WHERE tenant = ? AND id = ?)";
  private static final String UPDATE_CASE =
      "UPDATE cases SET state = ?, assignee = ?, version = ?, data = ?, updated_at = ?,"
          + " last_actor = ?, state_seq = ?, state_since = ?, performers = ?, workflow_version = ?"
          + " WHERE tenant = ? AND id = ?";

  private record CaseKey(String tenant, String id) {}

  private final List<RecordedEventsHandler> followers;
  private final DueTimers timers;

  /**
   * {@code followers} derive more from each event in the transaction that records it; {@code
   * timers} keeps the deadlines running on the cases.
   */
  public CaseReadModel(List<RecordedEventsHandler> followers, DueTimers timers) {
    this.followers = List.copyOf(followers);
    this.timers = timers;
  }

  /** A {@code cases} row as it stands, and as the events of this group move it. */
  private static final class CaseRow {
    final String workflow;
    int workflowVersion;
    final String originalState;
    String state;
    long version;
    String assignee;
    Map<String, Object> data;
    Instant updatedAt;
    String lastActor;
    boolean changed;
    long enteredSeq;
    Instant enteredAt;
    boolean deadlinesMoved;
    final Map<String, Object> performers;

    CaseRow(
        String workflow,
        int workflowVersion,
        String state,
        long version,
        String assignee,
        String data,
        long enteredSeq,
        Instant enteredAt,
        String performers) {
      this.workflow = workflow;
      this.workflowVersion = workflowVersion;
      this.enteredSeq = enteredSeq;
      this.enteredAt = enteredAt;
      this.performers =
          new HashMap<>(performers == null ? Map.of() : CanonicalJson.parseObject(performers));
      this.originalState = state;
      this.state = state;
      this.version = version;
      this.assignee = assignee;
      this.data = new HashMap<>(CanonicalJson.parseObject(data));
    }

    /** Moves the row by one event, unless the row already holds it. */
    void advance(CaseEvent event) {
      if (event.seq() <= version) {
        return;
      }
      if (event instanceof ActionPerformed performed) {
        data.putAll(performed.data());
        performers.put(performed.action(), performed.actor());
        deadlinesMoved = true;
      }
      if (event instanceof WorkflowMigrated migrated) {
        workflowVersion = migrated.toVersion();
        deadlinesMoved = true;
      }
      if (event instanceof Transition transition) {
        if (!transition.to().equals(state)) {
          enteredSeq = event.seq();
          enteredAt = event.at();
          deadlinesMoved = true;
        }
        state = transition.to();
      } else if (event instanceof AssigneeChanged changed) {
        assignee = changed.assignee();
      } else if (!(event instanceof CommentAdded)) {
        throw new IllegalStateException("Unexpected case event " + event.getClass());
      }
      version = event.seq();
      updatedAt = event.at();
      lastActor = event.actor();
      changed = true;
    }
  }

  /** Locks a slice for this transaction; the live projection does so once per group. */
  public void lockSlice(Connection connection, int slice) throws SQLException {
    ReadSideSlices.lock(connection, slice);
  }

  /** Applies one event, under its slice's lock. */
  public void apply(Connection connection, CaseEvent event, int slice) throws SQLException {
    applyAll(connection, List.of(event), slice);
  }

  /** Applies a group of events of one slice, in order, under the slice's lock. */
  public void applyAll(Connection connection, List<CaseEvent> events, int slice)
      throws SQLException {
    record(connection, events, slice);
    Sql.batch(
        connection,
        INSERT_TRANSITION,
        events.stream()
            .filter(Transition.class::isInstance)
            .map(event -> transitionRow((Transition) event))
            .toList());
    Counts counts = new Counts();
    List<CaseOpened> opened =
        events.stream().filter(CaseOpened.class::isInstance).map(CaseOpened.class::cast).toList();
    int[] inserted =
        Sql.batch(
            connection, INSERT_CASE, opened.stream().map(event -> caseRow(event, slice)).toList());
    for (int i = 0; i < inserted.length; i++) {
      if (inserted[i] == 1) {
        counts.add(opened.get(i).tenant(), opened.get(i).workflow(), opened.get(i).state(), 1);
      }
    }
    Map<CaseKey, List<CaseEvent>> changes = new LinkedHashMap<>();
    for (CaseEvent event : events) {
      if (!(event instanceof CaseOpened)) {
        changes
            .computeIfAbsent(new CaseKey(event.tenant(), event.caseId()), key -> new ArrayList<>())
            .add(event);
      }
    }
    Map<CaseKey, CaseRow> rows = lockCases(connection, changes.keySet());
    List<Object[]> updates = new ArrayList<>();
    List<DueTimers.Standing> moved = new ArrayList<>();
    changes.forEach(
        (key, caseEvents) -> {
          CaseRow row = rows.get(key);
          if (row == null) {
            return; // opened by an event not applied yet: the reconciliation repairs the case
          }
          caseEvents.forEach(row::advance);
          if (row.changed) {
            updates.add(updateRow(key, row));
            counts.move(key.tenant(), row.workflow, row.originalState, row.state);
          }
          if (row.deadlinesMoved) {
            moved.add(standing(key, row, slice));
          }
        });
    Sql.batch(connection, UPDATE_CASE, updates);
    counts.write(connection, slice);
    for (CaseOpened event : opened) {
      CaseRow row = rows.get(new CaseKey(event.tenant(), event.caseId()));
      if (row == null || !row.deadlinesMoved) {
        moved.add(
            new DueTimers.Standing(
                event.tenant(),
                event.caseId(),
                slice,
                event.workflow(),
                event.workflowVersion(),
                event.state(),
                event.seq(),
                event.at(),
                event.data()));
      }
    }
    timers.replace(connection, moved);
  }

  /**
   * Where a case stands for its deadlines; a case that entered its state before this group takes
   * the time from its row (the deadlines it had then were set when it entered).
   */
  private static DueTimers.Standing standing(CaseKey key, CaseRow row, int slice) {
    return new DueTimers.Standing(
        key.tenant(),
        key.id(),
        slice,
        row.workflow,
        row.workflowVersion,
        row.state,
        row.enteredSeq,
        row.enteredAt,
        row.data);
  }

  /**
   * Makes a case's rows whole from its complete history, whatever was applied before and in
   * whichever order: missing audit and transition rows are added, and the {@code cases} row is
   * replaced by the state the history folds to. Locks the slice first, so the live projection
   * cannot interleave. Does nothing, and answers false, when the {@code cases} row is already ahead
   * of the history given (it was read before newer events were applied): a later repair will see
   * the newer history.
   */
  public boolean repair(Connection connection, List<CaseEvent> history, int slice)
      throws SQLException {
    if (history.isEmpty()) {
      return false;
    }
    ReadSideSlices.lock(connection, slice);
    Active folded = (Active) CaseState.replay(history);
    CaseKey key = new CaseKey(folded.tenant(), folded.caseId());
    CaseRow row = lockCases(connection, Set.of(key)).get(key);
    if (row != null && row.version > folded.version()) {
      return false;
    }
    record(connection, history, slice);
    Sql.batch(
        connection,
        INSERT_TRANSITION,
        history.stream()
            .filter(Transition.class::isInstance)
            .map(event -> transitionRow((Transition) event))
            .toList());
    Counts counts = new Counts();
    if (row == null) {
      CaseOpened opened = (CaseOpened) history.get(0);
      Sql.batch(connection, INSERT_CASE, List.<Object[]>of(caseRow(opened, slice)));
      counts.add(opened.tenant(), opened.workflow(), opened.state(), 1);
      row = lockCases(connection, Set.of(key)).get(key);
    }
    row.state = folded.state();
    row.assignee = folded.assignee();
    row.version = folded.version();
    row.data = new HashMap<>(folded.data());
    row.updatedAt = folded.updatedAt();
    row.lastActor = history.get(history.size() - 1).actor();
    row.enteredSeq = folded.stateSeq();
    row.enteredAt = folded.stateSince();
    row.performers.clear();
    row.performers.putAll(folded.lastPerformers());
    row.workflowVersion = folded.workflowVersion();
    Sql.batch(connection, UPDATE_CASE, List.<Object[]>of(updateRow(key, row)));
    counts.move(key.tenant(), row.workflow, row.originalState, row.state);
    counts.write(connection, slice);
    timers.replace(
        connection,
        List.of(
            new DueTimers.Standing(
                folded.tenant(),
                folded.caseId(),
                slice,
                folded.workflow(),
                folded.workflowVersion(),
                folded.state(),
                folded.stateSeq(),
                folded.stateSince(),
                folded.data())));
    return true;
  }

  /**
   * Adds the audit rows that are missing, each with the next feed position of its slice, and hands
   * the events it added to the followers.
   */
  private void record(Connection connection, List<CaseEvent> events, int slice)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    long first = ReadSideSlices.reserveFeedPositions(connection, slice, events.size());
    List<Object[]> rows = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      rows.add(auditRow(events.get(i), slice, first + i));
    }
    int[] inserted = Sql.batch(connection, INSERT_AUDIT, rows);
    List<CaseEvent> recorded = new ArrayList<>();
    for (int i = 0; i < inserted.length; i++) {
      if (inserted[i] == 1) {
        recorded.add(events.get(i));
      }
    }
    if (!recorded.isEmpty()) {
      for (RecordedEventsHandler follower : followers) {
        follower.recorded(connection, recorded);
      }
    }
  }

  private static Object[] auditRow(CaseEvent event, int slice, long feedPosition) {
    return new Object[] {
      event.tenant(),
      event.caseId(),
      event.seq(),
      event.typeName(),
      event.actor(),
      event.at(),
      CanonicalJson.toJson(event),
      event.hash(),
      event.prevHash(),
      slice,
      feedPosition,
      event.tenant(),
      event.caseId(),
      event.seq()
    };
  }

  private static Object[] transitionRow(Transition event) {
    return new Object[] {
      event.tenant(),
      event.caseId(),
      event.seq(),
      event.action(),
      event.from(),
      event.to(),
      event.actor(),
      event.at(),
      event.comment(),
      event.tenant(),
      event.caseId(),
      event.seq()
    };
  }

  private static Object[] caseRow(CaseOpened event, int slice) {
    return new Object[] {
      event.tenant(),
      event.caseId(),
      event.workflow(),
      event.workflowVersion(),
      event.subject(),
      PersonalData.isSealed(event.subject()) ? PersonalData.subjectRefOf(event.subject()) : null,
      event.title(),
      event.state(),
      event.seq(),
      CanonicalJson.toJson(event.data()),
      event.at(),
      event.at(),
      event.actor(),
      slice,
      event.at(),
      event.tenant(),
      event.caseId()
    };
  }

  private static Object[] updateRow(CaseKey key, CaseRow row) {
    return new Object[] {
      row.state,
      row.assignee,
      row.version,
      CanonicalJson.toJson(row.data),
      row.updatedAt,
      row.lastActor,
      row.enteredSeq,
      row.enteredAt,
      CanonicalJson.toJson(row.performers),
      row.workflowVersion,
      key.tenant(),
      key.id()
    };
  }

  /** Locks and reads the {@code cases} rows of the given cases; absent cases are left out. */
  private static Map<CaseKey, CaseRow> lockCases(Connection connection, Set<CaseKey> keys)
      throws SQLException {
    Map<CaseKey, CaseRow> rows = new HashMap<>();
    Map<String, List<String>> idsByTenant = new TreeMap<>();
    keys.forEach(
        key -> idsByTenant.computeIfAbsent(key.tenant(), t -> new ArrayList<>()).add(key.id()));
    for (Map.Entry<String, List<String>> tenant : idsByTenant.entrySet()) {
      List<Object> parameters = new ArrayList<>();
      parameters.add(tenant.getKey());
      parameters.addAll(tenant.getValue());
      String placeholders = String.join(", ", Collections.nCopies(tenant.getValue().size(), "?"));
      Sql.query(
          connection,
          "SELECT id, workflow, workflow_version, state, version, assignee, data, state_seq,"
              + " state_since, performers FROM cases"
              + " WHERE tenant = ? AND id IN ("
              + placeholders
              + ") FOR UPDATE",
          row ->
              rows.put(
                  new CaseKey(tenant.getKey(), row.getString(1)),
                  new CaseRow(
                      row.getString(2),
                      row.getInt(3),
                      row.getString(4),
                      row.getLong(5),
                      row.getString(6),
                      row.getString(7),
                      row.getLong(8),
                      Sql.instant(row, 9),
                      row.getString(10))),
          parameters.toArray());
    }
    return rows;
  }

  /**
   * How a group moves the per-state counters, written once per state at the end. Each slice owns
   * its counter rows, and every writer of a slice holds its lock, so no other transaction competes
   * for them.
   */
  private static final class Counts {

    private final Map<List<String>, Long> deltas = new LinkedHashMap<>();

    void add(String tenant, String workflow, String state, long delta) {
      deltas.merge(List.of(tenant, workflow, state), delta, Long::sum);
    }

    void move(String tenant, String workflow, String from, String to) {
      if (!from.equals(to)) {
        add(tenant, workflow, from, -1);
        add(tenant, workflow, to, 1);
      }
    }

    void write(Connection connection, int slice) throws SQLException {
      List<List<String>> keys =
          deltas.entrySet().stream().filter(e -> e.getValue() != 0).map(Map.Entry::getKey).toList();
      int[] updated =
          Sql.batch(
              connection,
              "UPDATE state_counts SET cases = cases + ?"
                  + " WHERE tenant = ? AND workflow = ? AND state = ? AND slice = ?",
              keys.stream()
                  .map(k -> new Object[] {deltas.get(k), k.get(0), k.get(1), k.get(2), slice})
                  .toList());
      List<Object[]> missing = new ArrayList<>();
      for (int i = 0; i < updated.length; i++) {
        if (updated[i] == 0) {
          List<String> k = keys.get(i);
          missing.add(new Object[] {k.get(0), k.get(1), k.get(2), slice, deltas.get(k)});
        }
      }
      Sql.batch(
          connection,
          "INSERT INTO state_counts (tenant, workflow, state, slice, cases) VALUES (?, ?, ?, ?, ?)",
          missing);
    }
  }
}
