package io.caseflow.readside;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The slice rows of the read side: created on first start, and checked on every later start,
 * because events keep the slice tag they were written with and a different slice count would leave
 * some of them without a projection.
 */
public final class ReadSideSlices {

  private ReadSideSlices() {}

  /**
   * Creates the rows for {@code slices} slices, or checks that they match.
   *
   * @throws IllegalStateException naming the setting, when the database was set up for another
   *     slice count
   */
  public static void ensure(DataSource dataSource, int slices) {
    try (Connection connection = dataSource.getConnection()) {
      long existing =
          Sql.query(connection, "SELECT COUNT(*) FROM read_side_slices", row -> row.getLong(1))
              .get(0);
      if (existing == 0) {
        connection.setAutoCommit(false);
        for (int slice = 0; slice < slices; slice++) {
          Sql.update(connection, "INSERT INTO read_side_slices (slice) VALUES (?)", slice);
        }
        connection.commit();
      } else if (existing != slices) {
        throw new IllegalStateException(
            "setting 'caseflow.read-side.slices' is "
                + slices
                + " but this database's events are tagged for "
                + existing
                + " slices; the count cannot change once events exist");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot set up the read side's slices: " + e.getMessage(), e);
    }
  }

  /**
   * Reserves the next {@code count} feed positions of a locked slice and answers the first. A
   * reserved position may stay unused (its event was recorded before); readers only need positions
   * to grow in commit order, which the slice lock gives.
   */
  static long reserveFeedPositions(Connection connection, int slice, int count)
      throws SQLException {
    long last =
        Sql.query(
                connection,
                "SELECT feed_position FROM read_side_slices WHERE slice = ? FOR UPDATE",
                row -> row.getLong(1),
                slice)
            .get(0);
    Sql.update(
        connection,
        "UPDATE read_side_slices SET feed_position = ? WHERE slice = ?",
        last + count,
        slice);
    return last + 1;
  }

  /** The last feed position given out in each slice, by slice. */
  public static List<Long> feedHeads(Connection connection) throws SQLException {
    return Sql.query(
        connection,
        "SELECT feed_position FROM read_side_slices ORDER BY slice",
        row -> row.getLong(1));
  }

  /** Locks a slice for the current transaction: one writer per slice at a time. */
  static void lock(Connection connection, int slice) throws SQLException {
    if (Sql.query(
            connection,
            "SELECT slice FROM read_side_slices WHERE slice = ? FOR UPDATE",
            row -> row.getInt(1),
            slice)
        .isEmpty()) {
      throw new IllegalStateException("No read_side_slices row for slice " + slice);
    }
  }
}
