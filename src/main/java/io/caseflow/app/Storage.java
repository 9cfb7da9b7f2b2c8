package io.caseflow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

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

  private final Vendor vendor;
  private final String url;
  private final CaseflowSettings.Db settings;
  private final HikariDataSource dataSource;
  private final HikariDataSource readSideDataSource;

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
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    return storage;
  }

  /**
   * {@code WRITE_DELAY=0} makes every commit reach the file before the journal acknowledges it;
   * H2's default delay would lose acknowledged events when the process is killed.
   */
  private static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("caseflow") + ";WRITE_DELAY=0";
  }

  private static CaseflowSettings.Db withH2Credentials(CaseflowSettings.Db db) {
    return new CaseflowSettings.Db(
        "",
        db.user().isEmpty() ? "sa" : db.user(),
        db.password(),
        db.journalPoolSize(),
        db.readJournalPoolSize(),
        db.servicePoolSize(),
        db.connectionTimeout());
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/common", "classpath:db/" + vendor.migrations)
        .load()
        .migrate();
  }

  /**
   * Points Pekko's JDBC journal, snapshot store and read journal at this database, and tells the
   * projections its SQL dialect.
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
    for (String database : List.of("slick", "read-journal")) {
      String prefix = "pekko-persistence-jdbc.shared-databases." + database + ".";
      config.put(prefix + "profile", vendor.slickProfile);
      config.put(prefix + "db.url", url);
      config.put(prefix + "db.user", settings.user());
      config.put(prefix + "db.password", settings.password());
      config.put(prefix + "db.driver", vendor.driver);
      config.put(prefix + "db.connectionTimeout", settings.connectionTimeout().toMillis());
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
