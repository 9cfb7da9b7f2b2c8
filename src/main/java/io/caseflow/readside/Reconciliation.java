package io.caseflow.readside;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the journal with the read side case by case and repairs what the live projections
 * missed. JDBC {@code eventsByTag} gives up on an ordering gap after a while, so an event whose
 * commit took longer than that is skipped for good by a live projection; this check is what closes
 * that hole.
 *
 * <p>A case is behind when the read side lacks one of its journal events. Only events older than
 * the grace period count, so normal projection lag is never "repaired". Repair re-applies the
 * case's whole history through the same idempotent {@link CaseReadModel}.
 */
public final class Reconciliation {

  public static final String CHECK_NAME = "reconciliation";
  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
  private static final String CASE_PREFIX = "Case|";
  private static final int LISTED_CASES = 20;

  public record Report(
      Instant startedAt,
      Instant finishedAt,
      int casesInJournal,
      int casesBehind,
      int casesRepaired,
      List<String> repaired,
      List<String> errors) {}

  private record Head(long count, long max) {}

  private final DataSource dataSource;
  private final CaseHistory history;
  private final CaseTags tags;
  private final DeadLetters deadLetters;
  private final Duration grace;
  private final Clock clock;
  private final CaseReadModel readModel;

  public Reconciliation(
      DataSource dataSource,
      CaseHistory history,
      CaseTags tags,
      CaseReadModel readModel,
      DeadLetters deadLetters,
      Duration grace,
      Clock clock) {
    this.dataSource = dataSource;
    this.readModel = readModel;
    this.history = history;
    this.tags = tags;
    this.deadLetters = deadLetters;
    this.grace = grace;
    this.clock = clock;
  }

  /** Runs one full check and repair, records its report, and returns it. Blocking. */
  public Report run() {
    Instant started = clock.instant();
    List<String> repaired = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int behind = 0;
    Map<String, Long> journal = Map.of();
    try {
      journal = journalHeads();
      Map<String, Head> readSide = readSideHeads();
      Set<String> deadLettered = deadLetters.keys();
      long cutoff = started.minus(grace).toEpochMilli();
      for (Map.Entry<String, Long> head : journal.entrySet()) {
        Head projected = readSide.getOrDefault(head.getKey(), new Head(0, 0));
        if (projected.count() == head.getValue()) {
          continue;
        }
        CaseId caseId = caseIdOf(head.getKey());
        if (!missingOlderThan(caseId, head.getKey(), cutoff, deadLettered)) {
          continue;
        }
        behind++;
        try {
          if (repair(caseId)) {
            repaired.add(caseId.entityId());
          }
        } catch (Exception e) {
          errors.add(caseId.entityId() + ": " + e);
          log.warn("Could not repair the read side of case {}", caseId, e);
        }
      }
    } catch (Exception e) {
      errors.add(e.toString());
      log.warn("Read-side reconciliation failed", e);
    }
    Report report =
        new Report(
            started,
            clock.instant(),
            journal.size(),
            behind,
            repaired.size(),
            repaired.subList(0, Math.min(LISTED_CASES, repaired.size())),
            errors.subList(0, Math.min(LISTED_CASES, errors.size())));
    if (behind > 0) {
      log.warn("Read side was missing events of {} case(s); repaired {}", behind, repaired.size());
    }
    save(report);
    return report;
  }

  /** The report of the last run on any node, if there was one. */
  public Optional<Map<String, Object>> lastReport() {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
              connection,
              "SELECT report FROM read_side_checks WHERE name = ?",
              row -> CanonicalJson.parseObject(row.getString(1)),
              CHECK_NAME)
          .stream()
          .findFirst();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the last reconciliation report", e);
    }
  }

  private Map<String, Long> journalHeads() throws SQLException {
    Map<String, Long> heads = new HashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      Sql.query(
          connection,
          "SELECT \"persistence_id\", MAX(\"sequence_number\") FROM \"event_journal\""
              + " WHERE \"persistence_id\" LIKE ? AND \"deleted\" = FALSE GROUP BY \"persistence_id\"",
          row -> heads.put(row.getString(1), row.getLong(2)),
          CASE_PREFIX + "%");
    }
    return heads;
  }

  private Map<String, Head> readSideHeads() throws SQLException {
    Map<String, Head> heads = new HashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      Sql.query(
          connection,
          "SELECT tenant, case_id, COUNT(*), MAX(seq) FROM audit_log GROUP BY tenant, case_id",
          row ->
              heads.put(
                  persistenceId(new CaseId(row.getString(1), row.getString(2))),
                  new Head(row.getLong(3), row.getLong(4))));
    }
    return heads;
  }

  private boolean missingOlderThan(
      CaseId caseId, String persistenceId, long cutoffMillis, Set<String> deadLettered)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      Set<Long> projected =
          new HashSet<>(
              Sql.query(
                  connection,
                  "SELECT seq FROM audit_log WHERE tenant = ? AND case_id = ?",
                  row -> row.getLong(1),
                  caseId.tenant(),
                  caseId.id()));
      return Sql.query(
              connection,
              "SELECT \"sequence_number\", \"write_timestamp\" FROM \"event_journal\""
                  + " WHERE \"persistence_id\" = ?",
              row -> new long[] {row.getLong(1), row.getLong(2)},
              persistenceId)
          .stream()
          .anyMatch(
              event ->
                  !projected.contains(event[0])
                      && event[1] < cutoffMillis
                      && !deadLettered.contains(persistenceId + "#" + event[0]));
    }
  }

  /** Answers false when the live projection got ahead meanwhile; the next run looks again. */
  private boolean repair(CaseId caseId) throws Exception {
    List<CaseEvent> events = history.events(caseId).toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        boolean repaired = readModel.repair(connection, events, tags.sliceOf(caseId));
        connection.commit();
        return repaired;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private void save(Report report) {
    try (Connection connection = dataSource.getConnection()) {
      String json = CanonicalJson.toJson(report);
      if (Sql.update(
              connection,
              "UPDATE read_side_checks SET report = ?, finished_at = ? WHERE name = ?",
              json,
              report.finishedAt(),
              CHECK_NAME)
          == 0) {
        Sql.update(
            connection,
            "INSERT INTO read_side_checks (name, report, finished_at) VALUES (?, ?, ?)",
            CHECK_NAME,
            json,
            report.finishedAt());
      }
    } catch (SQLException e) {
      log.warn("Cannot record the reconciliation report", e);
    }
  }

  private static String persistenceId(CaseId caseId) {
    return CASE_PREFIX + caseId.entityId();
  }

  private static CaseId caseIdOf(String persistenceId) {
    return CaseId.fromEntityId(persistenceId.substring(CASE_PREFIX.length()));
  }
}
