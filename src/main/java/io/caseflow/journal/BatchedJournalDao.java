package io.caseflow.journal;

import io.caseflow.jdbc.EmbeddedDiskHeadroom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableColumnNames;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.EventTagTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * Pekko's JDBC journal DAO with one change: a batch of tagged events is written in a few statements
 * instead of one per event.
 *
 * <p>The plugin's own write asks Slick for each event's generated {@code ordering} (the tag rows
 * refer to it), and Slick turns JDBC batching off for inserts that return keys, so a batch of 200
 * events from 200 cases took 200 round trips inside its transaction. Here the events go in as
 * multi-row {@code INSERT}s that return {@code (ordering, persistence_id, sequence_number)}, are
 * matched back by persistence id and sequence number, and their tags follow in one JDBC batch. Same
 * tables, same transaction per batch (one failure fails the whole batch, writing nothing), so the
 * read journal and every guarantee stay as they are. On the embedded H2 database a write is refused
 * while its disk is all but full ({@link EmbeddedDiskHeadroom}).
 */
public final class BatchedJournalDao extends DefaultJournalDao {

  /** Twelve parameters a row: well under the drivers' limit of 32,767 per statement. */
  static final int ROWS_PER_STATEMENT = 1000;

  private static final int COLUMNS = 12;

  private final String insertPrefix;
  private final String[] returnedColumns;
  private final String tagInsert;

  /** The constructor the plugin instantiates reflectively, types in exactly this order. */
  public BatchedJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    EventJournalTableConfiguration journal = journalConfig.eventJournalTableConfiguration();
    EventJournalTableColumnNames column = journal.columnNames();
    List<String> columns =
        List.of(
            column.deleted(),
            column.persistenceId(),
            column.sequenceNumber(),
            column.writer(),
            column.writeTimestamp(),
            column.adapterManifest(),
            column.eventPayload(),
            column.eventSerId(),
            column.eventSerManifest(),
            column.metaPayload(),
            column.metaSerId(),
            column.metaSerManifest());
    this.insertPrefix =
        "INSERT INTO "
            + table(journal.schemaName(), journal.tableName())
            + " ("
            + String.join(", ", columns.stream().map(BatchedJournalDao::quoted).toList())
            + ") VALUES ";
    this.returnedColumns =
        new String[] {column.ordering(), column.persistenceId(), column.sequenceNumber()};
    EventTagTableConfiguration tags = journalConfig.eventTagTableConfiguration();
    this.tagInsert =
        "INSERT INTO "
            + table(tags.schemaName(), tags.tableName())
            + " ("
            + quoted(tags.columnNames().eventId())
            + ", "
            + quoted(tags.columnNames().tag())
            + ") VALUES (?, ?)";
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(
      Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows =
        new ArrayList<>(CollectionConverters.asJava(batch));
    rows.sort(Comparator.comparingLong(row -> row._1().sequenceNumber()));
    return transactionally(
        SimpleJdbcAction.apply(
            context -> {
              try {
                write(context.connection(), rows);
              } catch (SQLException e) {
                throw new JournalWriteException(e);
              }
              return BoxedUnit.UNIT;
            }));
  }

  /** Slick's {@code transactionally}, which Java sees only through raw types. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<BoxedUnit> transactionally(DBIOAction action) {
    DBIOAction transaction = profile().api().jdbcActionExtensionMethods(action).transactionally();
    return (Future<BoxedUnit>) db().run(transaction);
  }

  private void write(
      Connection connection, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    EmbeddedDiskHeadroom.check(connection);
    boolean tagged = rows.stream().anyMatch(row -> row._2().nonEmpty());
    Map<EventKey, Long> orderings = new HashMap<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> chunk =
          rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
      insertEvents(connection, chunk, tagged, orderings);
    }
    if (tagged) {
      insertTags(connection, rows, orderings);
    }
  }

  private void insertEvents(
      Connection connection,
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> chunk,
      boolean tagged,
      Map<EventKey, Long> orderings)
      throws SQLException {
    String sql =
        insertPrefix
            + String.join(
                ", ", Collections.nCopies(chunk.size(), "(" + "?, ".repeat(COLUMNS - 1) + "?)"));
    try (PreparedStatement insert =
        tagged
            ? connection.prepareStatement(sql, returnedColumns)
            : connection.prepareStatement(sql)) {
      int parameter = 1;
      for (Tuple2<JournalPekkoSerializationRow, Set<String>> row : chunk) {
        parameter = bind(insert, parameter, row._1());
      }
      insert.executeUpdate();
      if (tagged) {
        try (ResultSet keys = insert.getGeneratedKeys()) {
          while (keys.next()) {
            orderings.put(new EventKey(keys.getString(2), keys.getLong(3)), keys.getLong(1));
          }
        }
      }
    }
  }

  private static int bind(PreparedStatement insert, int first, JournalPekkoSerializationRow event)
      throws SQLException {
    int parameter = first;
    insert.setBoolean(parameter++, event.deleted());
    insert.setString(parameter++, event.persistenceId());
    insert.setLong(parameter++, event.sequenceNumber());
    insert.setString(parameter++, event.writer());
    insert.setLong(parameter++, event.writeTimestamp());
    insert.setString(parameter++, event.adapterManifest());
    insert.setBytes(parameter++, event.eventPayload());
    insert.setInt(parameter++, event.eventSerId());
    insert.setString(parameter++, event.eventSerManifest());
    if (event.metaPayload().isDefined()) {
      insert.setBytes(parameter++, event.metaPayload().get());
      insert.setInt(parameter++, (Integer) event.metaSerId().get());
      insert.setString(parameter++, event.metaSerManifest().get());
    } else {
      insert.setNull(parameter++, Types.VARBINARY);
      insert.setNull(parameter++, Types.INTEGER);
      insert.setNull(parameter++, Types.VARCHAR);
    }
    return parameter;
  }

  private void insertTags(
      Connection connection,
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows,
      Map<EventKey, Long> orderings)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(tagInsert)) {
      for (Tuple2<JournalPekkoSerializationRow, Set<String>> row : rows) {
        EventKey key = new EventKey(row._1().persistenceId(), row._1().sequenceNumber());
        Long ordering = orderings.get(key);
        if (ordering == null && row._2().nonEmpty()) {
          throw new SQLException("The journal returned no ordering for " + key);
        }
        for (String tag : CollectionConverters.asJava(row._2())) {
          insert.setLong(1, ordering);
          insert.setString(2, tag);
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  private static String table(Option<String> schema, String name) {
    return schema.isDefined() ? quoted(schema.get()) + "." + quoted(name) : quoted(name);
  }

  private static String quoted(String identifier) {
    return '"' + identifier + '"';
  }

  private record EventKey(String persistenceId, long sequenceNumber) {}

  /** A failed statement, carried out of Slick's action so that the batch's writes fail with it. */
  static final class JournalWriteException extends RuntimeException {
    JournalWriteException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
