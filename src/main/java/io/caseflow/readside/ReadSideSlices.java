package io.caseflow.readside;

import java.sql.Connection;
import java.sql.SQLException;
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
