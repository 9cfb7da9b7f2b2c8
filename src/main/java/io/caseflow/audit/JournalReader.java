package io.caseflow.audit;

import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.serialization.Serialization;

/**
 * The journal's case events read straight from its table with plain SQL (the same on H2 and
 * PostgreSQL: quoted lower-case names), and turned into events by Pekko's own serialization, with
 * the service's Jackson migrations: what a verifier must read, apart from the read journal's
 * streams and from the read side.
 */
public final class JournalReader {

  /** A journal row's place: its global position, its case, its sequence number and write time. */
  public record Position(long ordering, CaseId caseId, long seq, long writtenAtMillis) {}

  private static final String CASES = CaseEntity.TYPE_KEY.name() + "|";
  private static final String COLUMNS =
      "\"ordering\", \"persistence_id\", \"sequence_number\", \"event_ser_id\","
          + " \"event_ser_manifest\", \"event_payload\"";

  private final Serialization serialization;

  public JournalReader(Serialization serialization) {
    this.serialization = serialization;
  }

  /**
   * The positions of up to {@code limit} journal rows after {@code ordering}, of every entity (a
   * checkpoint must see each position to tell a gap), in order.
   */
  public List<Position> positionsAfter(Connection connection, long ordering, int limit)
      throws SQLException {
    return Sql.query(
        connection,
        "SELECT \"ordering\", \"persistence_id\", \"sequence_number\", \"write_timestamp\""
            + " FROM \"event_journal\" WHERE \"ordering\" > ? ORDER BY \"ordering\" LIMIT ?",
        row ->
            new Position(
                row.getLong(1), caseIdOf(row.getString(2)), row.getLong(3), row.getLong(4)),
        ordering,
        limit);
  }

  /** The events at these journal positions (cases only), in the order given. */
  public List<CaseEvent> eventsAt(Connection connection, List<Long> orderings) throws SQLException {
    List<CaseEvent> events = new ArrayList<>();
    for (int from = 0; from < orderings.size(); from += 500) {
      List<Long> chunk = orderings.subList(from, Math.min(orderings.size(), from + 500));
      events.addAll(
          Sql.query(
              connection,
              "SELECT "
                  + COLUMNS
                  + " FROM \"event_journal\" WHERE \"ordering\" IN ("
                  + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                  + ") ORDER BY \"ordering\"",
              row -> event(row.getInt(4), row.getString(5), row.getBytes(6)),
              chunk.toArray()));
    }
    return events;
  }

  /** Every event of the case, in sequence order, as the journal holds it (gaps and all). */
  public List<CaseEvent> events(Connection connection, CaseId caseId) throws SQLException {
    return Sql.query(
        connection,
        "SELECT "
            + COLUMNS
            + " FROM \"event_journal\" WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\"",
        row -> event(row.getInt(4), row.getString(5), row.getBytes(6)),
        CaseEntity.persistenceId(caseId).id());
  }

  /** Every case the journal holds events of, in persistence-id order. */
  public List<CaseId> cases(Connection connection) throws SQLException {
    return Sql.query(
        connection,
        "SELECT DISTINCT \"persistence_id\" FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?"
            + " ORDER BY \"persistence_id\"",
        row -> caseIdOf(row.getString(1)),
        CASES + "%");
  }

  /** The case a persistence id names, or null for another kind of entity (a saga). */
  static CaseId caseIdOf(String persistenceId) {
    return persistenceId.startsWith(CASES)
        ? CaseId.fromEntityId(persistenceId.substring(CASES.length()))
        : null;
  }

  private CaseEvent event(int serializerId, String manifest, byte[] payload) {
    return (CaseEvent) serialization.deserialize(payload, serializerId, manifest).get();
  }
}
