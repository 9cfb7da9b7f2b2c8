package io.caseflow.readside;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Events the read side gave up on, with the error that stopped them: recorded, never dropped
 * silently. A skipped event stays listed here until an operator deals with it.
 */
public final class DeadLetters {

  public record DeadLetter(
      String persistenceId,
      long seq,
      int slice,
      int attempts,
      boolean skipped,
      String error,
      Instant recordedAt) {}

  private final DataSource dataSource;
  private final Clock clock;

  public DeadLetters(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Records (or updates) a dead letter in its own transaction. */
  void record(
      String persistenceId, long seq, int slice, int attempts, boolean skipped, String error) {
    try (Connection connection = dataSource.getConnection()) {
      record(connection, persistenceId, seq, slice, attempts, skipped, error);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot record dead letter " + persistenceId + "#" + seq, e);
    }
  }

  /** Records (or updates) a dead letter through the given connection's transaction. */
  void record(
      Connection connection,
      String persistenceId,
      long seq,
      int slice,
      int attempts,
      boolean skipped,
      String error)
      throws SQLException {
    String message = error.length() > 4000 ? error.substring(0, 4000) : error;
    int updated =
        Sql.update(
            connection,
            "UPDATE read_side_dead_letters SET attempts = ?, skipped = ?, error = ?, recorded_at = ?"
                + " WHERE persistence_id = ? AND seq = ?",
            attempts,
            skipped,
            message,
            clock.instant(),
            persistenceId,
            seq);
    if (updated == 0) {
      Sql.update(
          connection,
          "INSERT INTO read_side_dead_letters"
              + " (persistence_id, seq, slice, attempts, skipped, error, recorded_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?)",
          persistenceId,
          seq,
          slice,
          attempts,
          skipped,
          message,
          clock.instant());
    }
  }

  /** Marks a dead letter skipped, keeping the error that made it one. */
  void markSkipped(Connection connection, String persistenceId, long seq, int slice, int attempts)
      throws SQLException {
    int updated =
        Sql.update(
            connection,
            "UPDATE read_side_dead_letters SET skipped = TRUE, attempts = ?, recorded_at = ?"
                + " WHERE persistence_id = ? AND seq = ?",
            attempts,
            clock.instant(),
            persistenceId,
            seq);
    if (updated == 0) {
      record(
          connection,
          persistenceId,
          seq,
          slice,
          attempts,
          true,
          "skipped after " + attempts + " failed attempts");
    }
  }

  /** Removes the dead letter of an event that finally applied, in the applying transaction. */
  void resolve(Connection connection, String persistenceId, long seq) throws SQLException {
    Sql.update(
        connection,
        "DELETE FROM read_side_dead_letters WHERE persistence_id = ? AND seq = ?",
        persistenceId,
        seq);
  }

  public List<DeadLetter> all() {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT persistence_id, seq, slice, attempts, skipped, error, recorded_at"
              + " FROM read_side_dead_letters ORDER BY recorded_at",
          row ->
              new DeadLetter(
                  row.getString(1),
                  row.getLong(2),
                  row.getInt(3),
                  row.getInt(4),
                  row.getBoolean(5),
                  row.getString(6),
                  Sql.instant(row, 7)));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read dead letters", e);
    }
  }

  /** Keys ({@code persistenceId#seq}) of every dead-lettered event. */
  Set<String> keys() {
    return all().stream()
        .map(letter -> letter.persistenceId() + "#" + letter.seq())
        .collect(Collectors.toSet());
  }
}
