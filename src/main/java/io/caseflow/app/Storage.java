package io.caseflow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.caseflow.jdbc.ClosedDatabaseEviction;
import io.caseflow.jdbc.Sql;
import io.caseflow.journal.FinalHoles;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one database behind the journal, the snapshots and the read side: the embedded H2 file
 * database in the data directory by default, PostgreSQL when a URL is configured. Opening it
 * applies the versioned schema in {@code db/}.
 */
public final class Storage implements AutoCloseable {

  private enum Vendor {
    H2("slick.jdbc.H2Profile$", "h2-dialect", "org.h2.Driver", "h2"),
    POSTGRESQL(
        "slick.jdbc.PostgresProfile$", "postgres-dialect", "org.postgresql.Driver", "postgresql");

    final String slickProfile;
    final String projectionDialect;
    final String driver;
    final String migrations;

    Vendor(String slickProfile, String projectionDialect, String driver, String migrations) {
      this.slickProfile = slickProfile;
      this.projectionDialect = projectionDialect;
      this.driver = driver;
      this.migrations = migrations;
    }
  }

  /**
   * For every PostgreSQL connection: a transaction left open and idle for 10 s is ended by the
   * server. A node frozen mid-transaction (a long pause, a suspended VM) would otherwise keep its
   * locks, and the node that took its cases over would wait on them for as long as it stays frozen.
   */
  private static final String SESSION_OPTIONS = "-c idle_in_transaction_session_timeout=10000";

  private static final Logger log = LoggerFactory.getLogger(Storage.class);

  /**
   * The tables that hold history (the record of deployed workflow versions among it): rows are
   * added, never changed or removed.
   */
  private static final List<String> HISTORY_TABLES =
      List.of("event_journal", "event_tag", "audit_log", "refusals", "workflow_versions");

  /** Owning a table (and so its triggers), or a right that changes or removes its rows. */
  private static final List<String> REWRITING_RIGHTS =
      List.of("OWNER", "UPDATE", "DELETE", "TRUNCATE");

  private final Vendor vendor;
  private final String url;
  private final CaseflowSettings.Db settings;
  private final HikariDataSource dataSource;
  private final HikariDataSource readSideDataSource;

  /** Which holes in the journal's ordering the read journal may read past at once. */
  private FinalHoles finalHoles = new FinalHoles.WaitedOut();

  private Storage(Vendor vendor, String url, CaseflowSettings.Db settings, int readSidePoolSize) {
    this.vendor = vendor;
    this.url = url;
    this.settings = settings;
    this.dataSource = pool("caseflow-service", settings.servicePoolSize());
    try {
      this.readSideDataSource = pool("caseflow-read-side", readSidePoolSize);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  private HikariDataSource pool(String name, int size) {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName(name);
    pool.setJdbcUrl(url);
    pool.setUsername(settings.user());
    pool.setPassword(settings.password());
    pool.setDriverClassName(vendor.driver);
    pool.setMaximumPoolSize(size);
    pool.setConnectionTimeout(settings.connectionTimeout().toMillis());
    if (vendor == Vendor.POSTGRESQL) {
      pool.addDataSourceProperty("options", SESSION_OPTIONS);
    } else {
      pool.setExceptionOverrideClassName(ClosedDatabaseEviction.class.getName());
    }
    try {
      return new HikariDataSource(pool);
    } catch (HikariPool.PoolInitializationException e) {
      throw new IllegalStateException(
          "Cannot connect to the database at " + url + " (caseflow.db.url): " + rootMessage(e), e);
    }
  }

  /** Connects and brings the schema up to date. */
  public static Storage open(CaseflowSettings settings) {
    CaseflowSettings.Db db = settings.db();
    Storage storage =
        db.isEmbedded()
            ? new Storage(
                Vendor.H2,
                embeddedUrl(settings.dataDir()),
                withH2Credentials(db),
                settings.readSide().poolSize())
            : new Storage(Vendor.POSTGRESQL, db.url(), db, settings.readSide().poolSize());
    try {
      storage.migrate();
      storage.finalHoles =
          storage.vendor == Vendor.H2
              ? storage.embeddedJournalAtStart()
              : new FinalHoles.AfterTransactions();
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    return storage;
  }

  /**
   * {@code WRITE_DELAY=0} makes every commit reach the file before the journal acknowledges it;
   * H2's default delay would lose acknowledged events when the process is killed.
   *
   * <p>{@code DB_CLOSE_ON_EXIT=FALSE}: H2's own JVM shutdown hook would close the database at once,
   * beside Pekko's coordinated shutdown, which still needs it: projections, cluster jobs and the
   * journal then failed on a closed database through every phase of a SIGTERM stop. The database
   * closes instead with its last connection, when the pools close after the actor system has
   * terminated.
   *
   * <p>{@code REUSE_SPACE=FALSE}: H2 appends every change to its file rather than writing into
   * space freed earlier. With reuse on, after one crash and restart the writes of the next run were
   * lost at the next crash, acknowledged journal events among them (BulkOperationsIT, killed twice,
   * failed whenever another test ran beside it). The price: the file grows with every commit (about
   * 20 KB each, measured) and never shrinks, where with reuse H2 rewrote space freed a minute
   * earlier. The embedded default is for trying Caseflow out; anything long-lived runs on
   * PostgreSQL.
   */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("caseflow")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;REUSE_SPACE=FALSE";
  }

  private static CaseflowSettings.Db withH2Credentials(CaseflowSettings.Db db) {
    return new CaseflowSettings.Db(
        "",
        db.user().isEmpty() ? "sa" : db.user(),
        db.password(),
        "",
        "",
        db.journalPoolSize(),
        db.readJournalPoolSize(),
        db.servicePoolSize(),
        db.connectionTimeout());
  }

  /**
   * Applies the migrations as the schema's owner when one is set ({@code
   * caseflow.db.migration-user}), else as the service's own user. On PostgreSQL the migrations
   * grant the service's user what it needs ({@code db/postgresql/V11}); the check after them warns
   * when that user can still rewrite history, as it can when it owns the tables.
   */
  private void migrate() {
    FluentConfiguration flyway =
        Flyway.configure()
            .locations("classpath:db/common", "classpath:db/" + vendor.migrations)
            .placeholders(Map.of("app_role", serviceRole()))
            // During a rolling upgrade, a node of the previous release starts on a schema the
            // newer nodes migrated: it must accept migrations it does not know (they only expand
            // the schema, see SchemaEvolutionTest). Flyway's default, held here on purpose.
            .ignoreMigrationPatterns("*:future");
    if (vendor == Vendor.POSTGRESQL && settings.hasSeparateOwner()) {
      flyway.dataSource(url, settings.migrationUser(), settings.migrationPassword());
    } else {
      flyway.dataSource(dataSource);
    }
    flyway.load().migrate();
    if (vendor == Vendor.POSTGRESQL) {
      List<String> excess = excessPrivileges();
      if (!excess.isEmpty()) {
        log.warn(
            "The service's database user {} can rewrite history: {}. Run the service as a role of"
                + " its own and the migrations as the schema's owner"
                + " (CASEFLOW_DB_MIGRATION_USER, see the README's 'Database roles').",
            settings.user(),
            String.join("; ", excess));
      }
    }
  }

  /**
   * The embedded journal before this node wrote anything: the H2 file belongs to this one process,
   * so an ordering below the next one its identity column will hand out either holds an event now
   * or never will (its writer is gone). That covers the values H2 had reserved and lost in a crash
   * (its identity hands out values from a cache of 32 and persists only the cache's end), which lie
   * above the highest ordering written.
   */
  private FinalHoles embeddedJournalAtStart() {
    try (Connection connection = dataSource.getConnection()) {
      Long next =
          Sql.query(
                  connection,
                  "SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA ="
                      + " CURRENT_SCHEMA AND TABLE_NAME = 'event_journal' AND COLUMN_NAME ="
                      + " 'ordering'",
                  row -> row.getObject(1, Long.class))
              .stream()
              .findFirst()
              .orElse(null);
      long[] journal =
          Sql.query(
                  connection,
                  "SELECT COALESCE(MAX(\"ordering\"), 0), COUNT(*) FROM \"event_journal\"",
                  row -> new long[] {row.getLong(1), row.getLong(2)})
              .get(0);
      long through = next == null ? journal[0] : Math.max(journal[0], next - 1);
      return new FinalHoles.Through(through, through - journal[1]);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the journal's highest ordering", e);
    }
  }

  /** The role the migrations grant the service's rights to: a name, quoted by the migration. */
  private String serviceRole() {
    if (settings.user().contains("'")) {
      throw new IllegalStateException(
          "caseflow.db.user must not contain a single quote: " + settings.user());
    }
    return settings.user();
  }

  /**
   * What the service's own user may do to the history tables beyond adding rows: owning them (and
   * so dropping or disabling their triggers), updating, deleting or truncating them. Empty when it
   * may only add to and read them.
   */
  public List<String> excessPrivileges() {
    List<String> excess = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      for (String table : HISTORY_TABLES) {
        for (String right : REWRITING_RIGHTS) {
          boolean held =
              Sql.query(
                      connection,
                      right.equals("OWNER")
                          ? "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class"
                              + " WHERE oid = to_regclass(?)"
                          : "SELECT has_table_privilege(to_regclass(?), '" + right + "')",
                      row -> row.getBoolean(1),
                      table)
                  .stream()
                  .anyMatch(Boolean.TRUE::equals);
          if (held) {
            excess.add(table + ": " + right);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the service user's privileges", e);
    }
    return excess;
  }

  /**
   * Points Pekko's JDBC journal, snapshot store and read journal at this database, tells the
   * projections its SQL dialect, and tells the read journal which holes in the journal's ordering
   * it may read past at once ({@link FinalHoles}: on H2 those found when the database was opened,
   * on PostgreSQL those whose possible writers have all ended).
   *
   * <p>On PostgreSQL the read journal plans its event query afresh on every run. Its cached generic
   * plan, made while the journal was still small, joins every journal row in range with a scan of
   * all tag rows; as the journal grew, one query took minutes and stalled a projection until
   * autovacuum's next ANALYZE (seen in the benchmark). A custom plan sees the actual offsets and
   * the tables' current size.
   *
   * <p>Its one join, the query by tag, is planned as a nested loop over the journal's ordering: the
   * query bounds the ordering, not the tag rows' event id, so a merge or hash join reads every row
   * of the tag. On three million events a projection catching up half-way took 150 ms a page (merge
   * join) against 3 ms; on 400,000, a projection at the journal's end 47 ms (hash join) against 1
   * ms, growing with the journal. A sparse tag (the sagas') is found through its index (migration
   * V10) instead of walking the journal (ReadJournalQueryPlanIT). The read journal's other queries
   * read the journal alone.
   */
  public Config pekkoConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put("pekko.projection.jdbc.dialect", vendor.projectionDialect);
    config.putAll(finalHoles.settings("jdbc-read-journal"));
    for (String database : List.of("slick", "read-journal")) {
      String prefix = "pekko-persistence-jdbc.shared-databases." + database + ".";
      config.put(prefix + "profile", vendor.slickProfile);
      config.put(prefix + "db.url", url);
      config.put(prefix + "db.user", settings.user());
      config.put(prefix + "db.password", settings.password());
      config.put(prefix + "db.driver", vendor.driver);
      config.put(prefix + "db.connectionTimeout", settings.connectionTimeout().toMillis());
      if (vendor == Vendor.H2) {
        config.put(
            prefix + "db.exceptionOverrideClassName", ClosedDatabaseEviction.class.getName());
      }
    }
    if (vendor == Vendor.POSTGRESQL) {
      config.put(
          "pekko-persistence-jdbc.shared-databases.slick.db.properties.options", SESSION_OPTIONS);
      config.put(
          "pekko-persistence-jdbc.shared-databases.read-journal.db.properties.options",
          SESSION_OPTIONS
              + " -c plan_cache_mode=force_custom_plan"
              + " -c enable_mergejoin=off -c enable_hashjoin=off");
    }
    return ConfigFactory.parseMap(config);
  }

  /** The service's own pool: migrations, health, queries, read-side checks. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The projections' pool, sized like their blocking dispatcher. */
  public DataSource readSideDataSource() {
    return readSideDataSource;
  }

  /**
   * Both pools' connection figures (active, idle, pending, wait and use times) as {@code
   * hikaricp_*} meters. The journal's own pools are Slick's and are not among them.
   */
  public void measurePools(MeterRegistry registry) {
    MicrometerMetricsTrackerFactory meters = new MicrometerMetricsTrackerFactory(registry);
    dataSource.setMetricsTrackerFactory(meters);
    readSideDataSource.setMetricsTrackerFactory(meters);
  }

  /** Whether the database answers a trivial query within the connection timeout. */
  public boolean isReachable() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid((int) Math.max(1, settings.connectionTimeout().toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    readSideDataSource.close();
    dataSource.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
