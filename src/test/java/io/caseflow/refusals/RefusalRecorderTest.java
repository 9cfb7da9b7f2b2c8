package io.caseflow.refusals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.MemoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorder against the refusal table itself (H2 in memory, the migration's schema). */
class RefusalRecorderTest {

  private JdbcDataSource database;

  @BeforeEach
  void createTable() throws Exception {
    database = MemoryDatabase.with(Path.of("db/common/V7__refusals.sql"));
  }

  @Test
  void refusalsAlikeAreCountedInOneRowAndNoneIsLost() throws Exception {
    RefusalRecorder recorder =
        RefusalRecorder.start(
            database,
            new RefusalSettings(10_000, 500, Duration.ofDays(90), Duration.ofHours(1)),
            Clock.systemUTC());
    for (int i = 0; i < 1_000; i++) {
      recorder.record(refusal("c-1", "forbidden"));
    }
    recorder.record(refusal("c-2", "forbidden"));
    recorder.close();

    assertEquals(1_000, repeats("c-1"));
    assertEquals(1, repeats("c-2"));
    assertTrue(rows("c-1") <= 1_000);
    assertEquals(0, recorder.notRecorded());
  }

  @Test
  void pastTheQueueRefusalsAreCountedNotKept() throws Exception {
    RefusalRecorder recorder =
        RefusalRecorder.start(
            database,
            new RefusalSettings(10, 5, Duration.ofDays(90), Duration.ofHours(1)),
            Clock.systemUTC());
    for (int i = 0; i < 10_000; i++) {
      recorder.record(refusal("c-" + i, "case_not_found"));
    }
    recorder.close();

    long kept = rows("%");
    assertEquals(10_000, kept + recorder.notRecorded());
    assertTrue(recorder.notRecorded() > 0, "a queue of 10 cannot hold a burst of 10,000");
  }

  private static Refusal refusal(String caseId, String code) {
    return new Refusal(
        Instant.now(),
        "acme",
        "mallory",
        true,
        "192.0.2.1",
        "GET",
        "/cases/{caseId}",
        caseId,
        null,
        code);
  }

  private long repeats(String caseId) throws SQLException {
    return single(
        "SELECT COALESCE(SUM(repeats), 0) FROM refusals WHERE case_id = '" + caseId + "'");
  }

  private long rows(String caseIdPattern) throws SQLException {
    return single("SELECT COUNT(*) FROM refusals WHERE case_id LIKE '" + caseIdPattern + "'");
  }

  private long single(String sql) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
