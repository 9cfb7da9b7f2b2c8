package io.caseflow.readside;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseState.Active;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives the query tables from case events: {@code cases}, {@code case_transitions}, {@code
 * audit_log} and {@code state_counts}. It is their only writer and always writes through the
 * connection it is given, so an event and the projection offset commit in one transaction.
 *
 * <p>Every statement is idempotent: applying an event twice changes nothing. The {@code cases} row
 * moves only forward ({@code version} below the event's sequence number), and the counters move
 * only when the {@code cases} row did.
 */
public final class CaseReadModel {

  private record CaseRow(
      String workflow, String state, long version, String assignee, String data) {}

  /** Locks a slice for this transaction; the live projection does so once per group. */
  public void lockSlice(Connection connection, int slice) throws SQLException {
    ReadSideSlices.lock(connection, slice);
  }

  /** Applies one event, as the live projection does, under its slice's lock. */
  public void apply(Connection connection, CaseEvent event, int slice) throws SQLException {
    appendAudit(connection, event);
    if (event instanceof CaseOpened opened) {
      insertCase(connection, opened, slice);
      return;
    }
    if (event instanceof ActionPerformed performed) {
      insertTransition(connection, performed);
    }
    Optional<CaseRow> row = lockCase(connection, event.tenant(), event.caseId());
    if (row.isEmpty() || row.get().version() >= event.seq()) {
      return;
    }
    Map<String, Object> data = new HashMap<>(CanonicalJson.parseObject(row.get().data()));
    String state = row.get().state();
    String assignee = row.get().assignee();
    if (event instanceof ActionPerformed performed) {
      data.putAll(performed.data());
      state = performed.to();
    } else if (event instanceof AssigneeChanged changed) {
      assignee = changed.assignee();
    } else if (!(event instanceof CommentAdded)) {
      throw new IllegalStateException("Unknown case event " + event.getClass());
    }
    Sql.update(
        connection,
        "UPDATE cases SET state = ?, assignee = ?, version = ?, data = ?, updated_at = ?,"
            + " last_actor = ? WHERE tenant = ? AND id = ?",
        state,
        assignee,
        event.seq(),
        CanonicalJson.toJson(data),
        event.at(),
        event.actor(),
        event.tenant(),
        event.caseId());
    moveCount(connection, event.tenant(), row.get().workflow(), row.get().state(), state, slice);
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
    Optional<CaseRow> current = lockCase(connection, folded.tenant(), folded.caseId());
    if (current.isPresent() && current.get().version() > folded.version()) {
      return false;
    }
    for (CaseEvent event : history) {
      appendAudit(connection, event);
      if (event instanceof ActionPerformed performed) {
        insertTransition(connection, performed);
      }
    }
    Optional<CaseRow> row = current;
    if (row.isEmpty()) {
      insertCase(connection, (CaseOpened) history.get(0), slice);
      row = lockCase(connection, folded.tenant(), folded.caseId());
    }
    Sql.update(
        connection,
        "UPDATE cases SET state = ?, assignee = ?, version = ?, data = ?, updated_at = ?,"
            + " last_actor = ? WHERE tenant = ? AND id = ?",
        folded.state(),
        folded.assignee(),
        folded.version(),
        CanonicalJson.toJson(folded.data()),
        folded.updatedAt(),
        history.get(history.size() - 1).actor(),
        folded.tenant(),
        folded.caseId());
    moveCount(
        connection,
        folded.tenant(),
        folded.workflow(),
        row.orElseThrow().state(),
        folded.state(),
        slice);
    return true;
  }

  private static void appendAudit(Connection connection, CaseEvent event) throws SQLException {
    Sql.update(
        connection,
        "INSERT INTO audit_log (tenant, case_id, seq, type, actor, at, payload, hash, prev_hash)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM audit_log WHERE tenant = ? AND case_id = ? AND seq = ?)",
        event.tenant(),
        event.caseId(),
        event.seq(),
        CaseEvent.typeName(event),
        event.actor(),
        event.at(),
        CanonicalJson.toJson(event),
        event.hash(),
        event.prevHash(),
        event.tenant(),
        event.caseId(),
        event.seq());
  }

  private static void insertTransition(Connection connection, ActionPerformed event)
      throws SQLException {
    Sql.update(
        connection,
        "INSERT INTO case_transitions (tenant, case_id, seq, action, from_state, to_state, actor,"
            + " at, comment) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM case_transitions WHERE tenant = ? AND case_id = ? AND seq = ?)",
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
        event.seq());
  }

  private static void insertCase(Connection connection, CaseOpened event, int slice)
      throws SQLException {
    int inserted =
        Sql.update(
            connection,
            "INSERT INTO cases (tenant, id, workflow, workflow_version, subject, title, state,"
                + " assignee, version, data, created_at, updated_at, last_actor, slice)"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
                + " (SELECT 1 FROM cases WHERE tenant = ? AND id = ?)",
            event.tenant(),
            event.caseId(),
            event.workflow(),
            event.workflowVersion(),
            event.subject(),
            event.title(),
            event.state(),
            event.seq(),
            CanonicalJson.toJson(event.data()),
            event.at(),
            event.at(),
            event.actor(),
            slice,
            event.tenant(),
            event.caseId());
    if (inserted == 1) {
      addToCount(connection, event.tenant(), event.workflow(), event.state(), slice, 1);
    }
  }

  private static Optional<CaseRow> lockCase(Connection connection, String tenant, String id)
      throws SQLException {
    return Sql.query(
            connection,
            "SELECT workflow, state, version, assignee, data FROM cases"
                + " WHERE tenant = ? AND id = ? FOR UPDATE",
            row ->
                new CaseRow(
                    row.getString(1),
                    row.getString(2),
                    row.getLong(3),
                    row.getString(4),
                    row.getString(5)),
            tenant,
            id)
        .stream()
        .findFirst();
  }

  private static void moveCount(
      Connection connection, String tenant, String workflow, String from, String to, int slice)
      throws SQLException {
    if (!from.equals(to)) {
      addToCount(connection, tenant, workflow, from, slice, -1);
      addToCount(connection, tenant, workflow, to, slice, 1);
    }
  }

  /**
   * Each slice owns its counter rows, and every writer of a slice holds its lock, so no other
   * transaction competes for them.
   */
  private static void addToCount(
      Connection connection, String tenant, String workflow, String state, int slice, long delta)
      throws SQLException {
    int updated =
        Sql.update(
            connection,
            "UPDATE state_counts SET cases = cases + ?"
                + " WHERE tenant = ? AND workflow = ? AND state = ? AND slice = ?",
            delta,
            tenant,
            workflow,
            state,
            slice);
    if (updated == 0) {
      Sql.update(
          connection,
          "INSERT INTO state_counts (tenant, workflow, state, slice, cases) VALUES (?, ?, ?, ?, ?)",
          tenant,
          workflow,
          state,
          slice,
          delta);
    }
  }
}
