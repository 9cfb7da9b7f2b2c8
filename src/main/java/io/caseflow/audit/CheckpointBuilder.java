package io.caseflow.audit;

import io.caseflow.audit.AuditVerifier.Signed;
import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.audit.JournalReader.Position;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes checkpoints: each covers the journal positions after the previous one's, up to the last
 * position below which every commit is done, and holds the head of every case that grew there. A
 * gap in the positions is a commit still in flight, or one that failed; positions are never covered
 * past a gap younger than {@code commitGrace} (one that old is a failed commit, left for good), so
 * an event that commits late is still covered, by the next checkpoint. The checkpoint is stored,
 * then exported; an export that failed is done on the next run.
 */
public final class CheckpointBuilder {

  private static final Logger log = LoggerFactory.getLogger(CheckpointBuilder.class);

  private final DataSource dataSource;
  private final JournalReader journal;
  private final SigningKey key;
  private final CheckpointExport export;
  private final Clock clock;
  private final Duration commitGrace;
  private final int maxPositions;

  public CheckpointBuilder(
      DataSource dataSource,
      JournalReader journal,
      SigningKey key,
      CheckpointExport export,
      Clock clock,
      Duration commitGrace,
      int maxPositions) {
    this.dataSource = dataSource;
    this.journal = journal;
    this.key = key;
    this.export = export;
    this.clock = clock;
    this.commitGrace = commitGrace;
    this.maxPositions = maxPositions;
  }

  /**
   * Checkpoints everything committed since the last checkpoint (in as many checkpoints as that
   * takes), exports what is not exported yet, and answers the latest checkpoint. Two nodes racing
   * cannot both store a number: the second's insert is refused, and it answers the first's.
   */
  public synchronized Optional<Checkpoint> run() {
    try (Connection connection = dataSource.getConnection()) {
      Optional<DatabaseBehindExport> behind = behindExport(connection);
      if (behind.isPresent()) {
        throw behind.get();
      }
      while (next(connection)) {
        // each round covers at most maxPositions journal rows
      }
      exportPending(connection);
      return Checkpoints.latest(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot make an audit checkpoint", e);
    }
  }

  /**
   * Whether the database cannot continue the exported chain, as at start-up after a restore: the
   * export's latest checkpoint is missing from the database, or differs from the database's of the
   * same number.
   */
  public Optional<DatabaseBehindExport> behindExport() {
    try (Connection connection = dataSource.getConnection()) {
      return behindExport(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the audit checkpoints", e);
    }
  }

  private Optional<DatabaseBehindExport> behindExport(Connection connection) throws SQLException {
    OptionalLong exported = export.latest();
    if (exported.isEmpty()) {
      return Optional.empty();
    }
    long number = exported.getAsLong();
    long stored = Checkpoints.latest(connection).map(Checkpoint::number).orElse(0L);
    Optional<Checkpoint> same = Checkpoints.numbered(connection, number);
    if (same.isEmpty()) {
      return Optional.of(
          new DatabaseBehindExport(number, stored, "the database only up to " + stored));
    }
    String exportedHash = export.numbered(number).map(Checkpoint::hash).orElse("");
    if (!exportedHash.equals(same.get().hash())) {
      return Optional.of(
          new DatabaseBehindExport(
              number, stored, "the database's checkpoint " + number + " is another"));
    }
    return Optional.empty();
  }

  /** Makes the next checkpoint; false when there is nothing new to cover (or it lost a race). */
  private boolean next(Connection connection) throws SQLException {
    Optional<Checkpoint> last = Checkpoints.latest(connection);
    long from = last.map(Checkpoint::toOrdering).orElse(0L);
    List<Position> positions = journal.positionsAfter(connection, from, maxPositions);
    List<Position> covered = committedPrefix(positions, from);
    if (covered.isEmpty()) {
      return false;
    }
    Map<CaseId, Position> heads = new LinkedHashMap<>();
    for (Position position : covered) {
      if (position.caseId() != null) {
        heads.merge(
            position.caseId(), position, (kept, later) -> later.seq() > kept.seq() ? later : kept);
      }
    }
    List<Head> leaves = new ArrayList<>();
    for (CaseEvent event :
        journal.eventsAt(
            connection, heads.values().stream().map(Position::ordering).sorted().toList())) {
      leaves.add(new Head(event.tenant(), event.caseId(), event.seq(), event.hash()));
    }
    leaves.sort(Comparator.comparing(Head::tenant).thenComparing(Head::caseId));
    Checkpoint checkpoint =
        Checkpoint.sign(
            last.map(Checkpoint::number).orElse(0L) + 1,
            clock.instant().truncatedTo(ChronoUnit.MICROS),
            last.map(Checkpoint::hash).orElse(Checkpoint.GENESIS),
            from,
            covered.get(covered.size() - 1).ordering(),
            leaves,
            key);
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      Checkpoints.insert(connection, checkpoint, leaves);
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      if (Checkpoints.numbered(connection, checkpoint.number()).isPresent()) {
        log.info("Checkpoint {} was made by another node meanwhile", checkpoint.number());
        return false;
      }
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    log.info(
        "Audit checkpoint {}: {} cases, journal positions {} to {}",
        checkpoint.number(),
        checkpoint.cases(),
        from + 1,
        checkpoint.toOrdering());
    return positions.size() == maxPositions;
  }

  /**
   * The positions up to the first gap that may still fill: one whose next written row is younger
   * than the grace.
   */
  private List<Position> committedPrefix(List<Position> positions, long from) {
    Instant settled = clock.instant().minus(commitGrace);
    long expected = from + 1;
    List<Position> prefix = new ArrayList<>();
    for (Position position : positions) {
      if (position.ordering() != expected
          && Instant.ofEpochMilli(position.writtenAtMillis()).isAfter(settled)) {
        break;
      }
      prefix.add(position);
      expected = position.ordering() + 1;
    }
    return prefix;
  }

  /** Exports, in order, the stored checkpoints the export directory lacks (checked first). */
  private void exportPending(Connection connection) throws SQLException {
    for (Checkpoint checkpoint : Checkpoints.after(connection, export.latest().orElse(0L))) {
      List<Head> heads = Checkpoints.heads(connection, checkpoint.number());
      String problem = checkpoint.problemWith(heads, key.publicKey());
      if (problem != null) {
        throw new IllegalStateException(
            "Checkpoint "
                + checkpoint.number()
                + " in the database cannot be exported: "
                + problem
                + ". Was it changed in the database?");
      }
      export.write(new Signed(checkpoint, heads), key.publicKeyPem(), key.keyId());
    }
  }
}
