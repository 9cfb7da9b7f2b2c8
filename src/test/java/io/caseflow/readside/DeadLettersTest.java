package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.readside.DeadLetters.DeadLetter;
import io.caseflow.testing.MemoryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead letters against their table (H2 in memory, the migration's schema), on a given clock. */
class DeadLettersTest {

  private static final Instant FIRST = Instant.parse("2026-12-01T09:00:00Z");
  private static final Instant LATER = Instant.parse("2026-12-01T09:05:00Z");

  private JdbcDataSource database;

  @BeforeEach
  void createTables() throws Exception {
    database = MemoryDatabase.with(Path.of("db/common/V2__read_side.sql"));
  }

  @Test
  void aDeadLetterIsRecordedAndSkippedAtTheTimeOfTheGivenClock() throws Exception {
    new DeadLetters(database, Clock.fixed(FIRST, ZoneOffset.UTC))
        .record("Case|acme:c-1", 3, 1, 3, false, "boom");
    assertEquals(
        List.of(new DeadLetter("Case|acme:c-1", 3, 1, 3, false, "boom", FIRST)),
        new DeadLetters(database, Clock.systemUTC()).all());

    DeadLetters later = new DeadLetters(database, Clock.fixed(LATER, ZoneOffset.UTC));
    try (Connection connection = database.getConnection()) {
      later.markSkipped(connection, "Case|acme:c-1", 3, 1, 4);
    }
    assertEquals(
        List.of(new DeadLetter("Case|acme:c-1", 3, 1, 4, true, "boom", LATER)), later.all());
  }
}
