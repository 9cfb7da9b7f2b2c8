package io.caseflow.readside;

import io.caseflow.cases.CaseEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What else is derived from case events when the read side records them for the first time (the
 * webhook outbox). It is called in the read side's transaction with the events whose audit rows
 * that transaction added, so what it writes commits with them: exactly once per event, whether the
 * live projection recorded the event or the reconciliation did after the projection skipped it, and
 * never again when a rebuild replays the journal.
 */
@FunctionalInterface
public interface RecordedEventsHandler {

  /** Events of one slice in the order they were recorded; never empty. */
  void recorded(Connection connection, List<CaseEvent> events) throws SQLException;
}
