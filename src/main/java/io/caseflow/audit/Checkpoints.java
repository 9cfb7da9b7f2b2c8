package io.caseflow.audit;

import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.cases.CaseId;
import io.caseflow.jdbc.EmbeddedDiskHeadroom;
import io.caseflow.jdbc.Page;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoints as the database keeps them ({@code audit_checkpoints} and their heads in {@code
 * audit_checkpoint_heads}, both append-only). The database is where checkpoints are found, not why
 * they are believed: each is checked against its signature and the export outside the database.
 */
public final class Checkpoints {

  /** A checkpoint's head of one case, with the checkpoint that holds it. */
  public record CoveredHead(long checkpoint, Head head) {}

  private static final String COLUMNS =
      "number, created_at, previous_hash, from_ordering, to_ordering, cases, merkle_root, key_id,"
          + " hash, signature";

  private Checkpoints() {}

  public static Optional<Checkpoint> latest(Connection connection) throws SQLException {
    return Sql.query(
            connection,
            "SELECT " + COLUMNS + " FROM audit_checkpoints ORDER BY number DESC LIMIT 1",
            Checkpoints::checkpoint)
        .stream()
        .findFirst();
  }

  public static Optional<Checkpoint> numbered(Connection connection, long number)
      throws SQLException {
    return Sql.query(
            connection,
            "SELECT " + COLUMNS + " FROM audit_checkpoints WHERE number = ?",
            Checkpoints::checkpoint,
            number)
        .stream()
        .findFirst();
  }

  /** Newest first, {@code limit} at a time, before the checkpoint numbered {@code cursor}. */
  public static Page<Checkpoint> page(Connection connection, int limit, Long cursor)
      throws SQLException {
    return Page.of(
        Sql.query(
            connection,
            "SELECT "
                + COLUMNS
                + " FROM audit_checkpoints WHERE number < ? ORDER BY number DESC LIMIT ?",
            Checkpoints::checkpoint,
            cursor == null ? Long.MAX_VALUE : cursor,
            limit + 1),
        limit,
        last -> Long.toString(last.number()));
  }

  /** Every checkpoint numbered above {@code number}, oldest first. */
  public static List<Checkpoint> after(Connection connection, long number) throws SQLException {
    return Sql.query(
        connection,
        "SELECT " + COLUMNS + " FROM audit_checkpoints WHERE number > ? ORDER BY number",
        Checkpoints::checkpoint,
        number);
  }

  /** A checkpoint's heads, in leaf order. */
  public static List<Head> heads(Connection connection, long number) throws SQLException {
    return Sql.query(
        connection,
        "SELECT tenant, case_id, seq, hash FROM audit_checkpoint_heads WHERE checkpoint = ?"
            + " ORDER BY position",
        row -> new Head(row.getString(1), row.getString(2), row.getLong(3), row.getString(4)),
        number);
  }

  /** Every head the checkpoints hold of the case, oldest checkpoint first. */
  public static List<CoveredHead> headsOf(Connection connection, CaseId caseId)
      throws SQLException {
    return Sql.query(
        connection,
        "SELECT checkpoint, seq, hash FROM audit_checkpoint_heads WHERE tenant = ? AND case_id = ?"
            + " ORDER BY checkpoint",
        row ->
            new CoveredHead(
                row.getLong(1),
                new Head(caseId.tenant(), caseId.id(), row.getLong(2), row.getString(3))),
        caseId.tenant(),
        caseId.id());
  }

  /** Stores a checkpoint with its heads, in the caller's transaction. */
  static void insert(Connection connection, Checkpoint checkpoint, List<Head> heads)
      throws SQLException {
    EmbeddedDiskHeadroom.check(connection);
    Sql.update(
        connection,
        "INSERT INTO audit_checkpoints (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        checkpoint.number(),
        checkpoint.createdAt(),
        checkpoint.previousHash(),
        checkpoint.fromOrdering(),
        checkpoint.toOrdering(),
        checkpoint.cases(),
        checkpoint.root(),
        checkpoint.keyId(),
        checkpoint.hash(),
        checkpoint.signature());
    List<Object[]> rows = new ArrayList<>(heads.size());
    for (int position = 0; position < heads.size(); position++) {
      Head head = heads.get(position);
      rows.add(
          new Object[] {
            checkpoint.number(), position, head.tenant(), head.caseId(), head.seq(), head.hash()
          });
    }
    Sql.batch(
        connection,
        "INSERT INTO audit_checkpoint_heads (checkpoint, position, tenant, case_id, seq, hash)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        rows);
  }

  private static Checkpoint checkpoint(ResultSet row) throws SQLException {
    return new Checkpoint(
        row.getLong(1),
        Sql.instant(row, 2),
        row.getString(3),
        row.getLong(4),
        row.getLong(5),
        row.getInt(6),
        row.getString(7),
        row.getString(8),
        row.getString(9),
        row.getString(10));
  }
}
