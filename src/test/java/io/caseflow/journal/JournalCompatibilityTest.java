package io.caseflow.journal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.Test;
import org.scalatest.tools.Runner;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * Pekko Persistence's journal compatibility kit (its {@code JournalSpec}: writes, replays, ranges,
 * deletions, rejections, highest sequence numbers) against the JDBC journal with {@link
 * BatchedJournalDao}, which Caseflow runs, and with the plugin's own DAO, the fallback {@code
 * jdbc-journal.dao} can name instead. Both run on H2 with the plugin's own schema: Caseflow's
 * migrations refuse deletions from the journal, which the kit exercises.
 */
class JournalCompatibilityTest {

  @Test
  void theBatchedJournalDaoPassesTheJournalCompatibilityKit() {
    assertTrue(passes(BatchedDao.class), "the kit's report is in the test's output");
  }

  @Test
  void thePluginsOwnDaoPassesTheJournalCompatibilityKitToo() {
    assertTrue(passes(StockDao.class), "the kit's report is in the test's output");
  }

  /** The kit can say no: a DAO that acknowledges every write and keeps none fails it. */
  @Test
  void aDaoThatKeepsNothingFailsTheKit() {
    assertFalse(passes(ForgetfulDao.class));
  }

  private static boolean passes(Class<? extends JavaJournalSpec> spec) {
    return Runner.run(new String[] {"-oW", "-s", spec.getName()});
  }

  /** The kit with Caseflow's DAO. */
  public static final class BatchedDao extends Kit {
    public BatchedDao() {
      super(BatchedJournalDao.class);
    }
  }

  /** The kit with the plugin's own DAO. */
  public static final class StockDao extends Kit {
    public StockDao() {
      super(DefaultJournalDao.class);
    }
  }

  /** The kit with a DAO that drops what it is given. */
  public static final class ForgetfulDao extends Kit {
    public ForgetfulDao() {
      super(Forgetful.class);
    }
  }

  /** Acknowledges every write and writes nothing. */
  public static final class Forgetful extends DefaultJournalDao {
    public Forgetful(
        JdbcBackend.JdbcDatabaseDef db,
        JdbcProfile profile,
        JournalConfig journalConfig,
        Serialization serialization,
        ExecutionContext ec,
        Materializer mat) {
      super(db, profile, journalConfig, serialization, ec, mat);
    }

    @Override
    public Future<BoxedUnit> writeJournalRows(
        Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch) {
      return Future.successful(BoxedUnit.UNIT);
    }
  }

  abstract static class Kit extends JavaJournalSpec {

    Kit(Class<?> dao) {
      super(journalOn(freshDatabase(), dao));
    }

    /** The JDBC journal refuses what it cannot serialize, as the kit expects. */
    @Override
    public CapabilityFlag supportsRejectingNonSerializableObjects() {
      return CapabilityFlag.on();
    }

    /** The journal's rows have columns for an event's metadata. */
    @Override
    public CapabilityFlag supportsMetadata() {
      return CapabilityFlag.on();
    }
  }

  private static String freshDatabase() {
    String url = "jdbc:h2:mem:journal-kit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        Statement statement = connection.createStatement();
        InputStream schema =
            DefaultJournalDao.class.getResourceAsStream("/schema/h2/h2-create-schema.sql")) {
      statement.execute(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the journal's schema", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return url;
  }

  private static Config journalOn(String url, Class<?> dao) {
    return ConfigFactory.parseString(
            "pekko.persistence.journal.plugin = jdbc-journal\n"
                + "pekko.persistence.snapshot-store.plugin = jdbc-snapshot-store\n"
                + "pekko.loglevel = WARNING\n"
                + "jdbc-journal.use-shared-db = slick\n"
                + "jdbc-snapshot-store.use-shared-db = slick\n"
                + "jdbc-journal.dao = \""
                + dao.getName()
                + "\"\n"
                + "pekko-persistence-jdbc.shared-databases.slick {\n"
                + "  profile = \"slick.jdbc.H2Profile$\"\n"
                + "  db { url = \""
                + url
                + "\", user = sa, password = \"\", driver = org.h2.Driver,"
                + " numThreads = 4, maxConnections = 4, minConnections = 1 }\n"
                + "}\n")
        .withFallback(ConfigFactory.load());
  }
}
