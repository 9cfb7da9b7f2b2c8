package io.caseflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caseflow.app.WireTypes;
import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.HashChain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Rewrites history as the schema's owner could: first it turns off the append-only guards of the
 * journal and the audit log (in the open, as the owner may; on H2, by dropping the triggers), then
 * changes rows, then puts the guards back. The same statements on H2 and PostgreSQL.
 */
public final class JournalTampering {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A table's append-only trigger: the table as H2 names it (quoted, or not) and the trigger. */
  private record Guard(String h2Table, String table, String trigger) {}

  private static final List<Guard> GUARDS =
      List.of(
          new Guard("\"event_journal\"", "event_journal", "event_journal_no_update_or_delete"),
          new Guard("\"event_tag\"", "event_tag", "event_tag_no_update_or_delete"),
          new Guard("audit_log", "audit_log", "audit_log_no_update_or_delete"));

  @FunctionalInterface
  interface Work {
    void run(Connection connection) throws SQLException;
  }

  private final Connection connection;
  private final boolean postgres;

  /** Over a connection of the schema's owner (H2's only user, PostgreSQL's owner role). */
  public JournalTampering(Connection connection) throws SQLException {
    this.connection = connection;
    this.postgres = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
  }

  /** The event as the journal stores it (its JSON). */
  public ObjectNode event(CaseId caseId, long seq) throws Exception {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT \"event_payload\" FROM \"event_journal\""
                + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
      select.setString(1, persistenceId(caseId));
      select.setLong(2, seq);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new AssertionError(
              "event " + seq + " of " + caseId.id() + " is not in the journal");
        }
        return (ObjectNode) JSON.readTree(row.getBytes(1));
      }
    }
  }

  /** Stores {@code event} in place of event {@code seq}, its hash as it is. */
  public void replace(CaseId caseId, long seq, ObjectNode event) throws Exception {
    byte[] payload = JSON.writeValueAsBytes(event);
    unguarded(
        connection ->
            exactlyOne(
                connection,
                "UPDATE \"event_journal\" SET \"event_payload\" = ?"
                    + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?",
                payload,
                persistenceId(caseId),
                seq));
  }

  public void delete(CaseId caseId, long seq) throws Exception {
    unguarded(
        connection ->
            exactlyOne(
                connection,
                "DELETE FROM \"event_journal\""
                    + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?",
                persistenceId(caseId),
                seq));
  }

  /** Events {@code a} and {@code b} exchange places in the journal's order. */
  public void swap(CaseId caseId, long a, long b) throws Exception {
    String move =
        "UPDATE \"event_journal\" SET \"sequence_number\" = ?"
            + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?";
    unguarded(
        connection -> {
          exactlyOne(connection, move, -a, persistenceId(caseId), a);
          exactlyOne(connection, move, a, persistenceId(caseId), b);
          exactlyOne(connection, move, b, persistenceId(caseId), -a);
        });
  }

  /**
   * Changes event {@code seq} and rewrites it and every later event of the case with their hashes
   * recomputed by the service's own rule, in the journal and in the audit log alike: a chain that
   * is whole again, and an audit log that agrees. Only a checkpoint can tell.
   */
  public void rewriteConsistently(CaseId caseId, long seq, UnaryOperator<ObjectNode> change)
      throws Exception {
    ObjectNode previous = seq == 1 ? null : event(caseId, seq - 1);
    long last = lastSeq(caseId);
    for (long at = seq; at <= last; at++) {
      ObjectNode event = at == seq ? change.apply(event(caseId, at)) : event(caseId, at);
      event.put("prevHash", previous == null ? HashChain.GENESIS : previous.get("hash").asText());
      CaseEvent typed = typed(caseId, at, event);
      event.put("hash", HashChain.hashOf(typed));
      replace(caseId, at, event);
      CaseEvent rewritten = typed(caseId, at, event);
      long rewrittenSeq = at;
      unguarded(
          connection ->
              exactlyOne(
                  connection,
                  "UPDATE audit_log SET payload = ?, hash = ?, prev_hash = ?"
                      + " WHERE tenant = ? AND case_id = ? AND seq = ?",
                  CanonicalJson.toJson(rewritten),
                  rewritten.hash(),
                  rewritten.prevHash(),
                  caseId.tenant(),
                  caseId.id(),
                  rewrittenSeq));
      previous = event;
    }
  }

  private CaseEvent typed(CaseId caseId, long seq, ObjectNode event) throws Exception {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT \"event_ser_manifest\" FROM \"event_journal\""
                + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
      select.setString(1, persistenceId(caseId));
      select.setLong(2, seq);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        Class<?> type = WireTypes.named(row.getString(1)).orElseThrow().type();
        return (CaseEvent) CanonicalJson.parse(event.toString(), type.asSubclass(CaseEvent.class));
      }
    }
  }

  private long lastSeq(CaseId caseId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      select.setString(1, persistenceId(caseId));
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /**
   * Runs {@code work} with the append-only triggers off, and puts them back whatever happened (H2
   * has no disabled triggers: they are dropped and made again as the migrations made them).
   */
  private void unguarded(Work work) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (Guard guard : GUARDS) {
        statement.execute(
            postgres
                ? "ALTER TABLE " + guard.table() + " DISABLE TRIGGER " + guard.trigger()
                : "DROP TRIGGER " + guard.trigger());
      }
      try {
        work.run(connection);
      } finally {
        for (Guard guard : GUARDS) {
          statement.execute(
              postgres
                  ? "ALTER TABLE " + guard.table() + " ENABLE TRIGGER " + guard.trigger()
                  : "CREATE TRIGGER "
                      + guard.trigger()
                      + " BEFORE UPDATE, DELETE ON "
                      + guard.h2Table()
                      + " FOR EACH ROW CALL \"io.caseflow.readside.AppendOnlyTrigger\"");
        }
      }
    }
  }

  private static void exactlyOne(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      int changed = statement.executeUpdate();
      if (changed != 1) {
        throw new AssertionError(changed + " rows changed by " + sql);
      }
    }
  }

  private static String persistenceId(CaseId caseId) {
    return CaseEntity.persistenceId(caseId).id();
  }
}
