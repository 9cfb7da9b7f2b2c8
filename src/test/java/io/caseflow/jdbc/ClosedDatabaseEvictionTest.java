package io.caseflow.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ClosedDatabaseEvictionTest {

  private final ClosedDatabaseEviction eviction = new ClosedDatabaseEviction();

  @Test
  void aConnectionToADatabaseThatClosedItselfIsDropped() {
    assertEquals(
        Override.MUST_EVICT,
        eviction.adjudicate(new SQLException("Database is already closed", "90098", 90098)));
  }

  @Test
  void anyOtherFailureIsLeftToThePool() {
    assertEquals(
        Override.CONTINUE_EVICT,
        eviction.adjudicate(
            new SQLException("Unique index or primary key violation", "23505", 23505)));
    assertEquals(
        Override.CONTINUE_EVICT,
        eviction.adjudicate(new SQLException("connection failure", "08006", 0)));
  }
}
