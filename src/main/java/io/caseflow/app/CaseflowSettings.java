package io.caseflow.app;

import com.typesafe.config.Config;
import io.caseflow.audit.AuditSettings;
import io.caseflow.cases.Principal;
import io.caseflow.http.AccessRoles;
import io.caseflow.http.HttpSettings;
import io.caseflow.http.JwtSettings;
import io.caseflow.http.RateLimitSettings;
import io.caseflow.notify.SecretBox;
import io.caseflow.notify.WebhookSettings;
import io.caseflow.observe.TraceSettings;
import io.caseflow.readside.DeadlineSettings;
import io.caseflow.readside.ReadSideSettings;
import io.caseflow.refusals.RefusalSettings;
import io.caseflow.saga.SagaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code caseflow.*} settings, read and checked once at start-up. A missing, mistyped,
 * out-of-range or unknown setting stops the service with a message naming it.
 */
public record CaseflowSettings(
    HttpSettings http,
    Path dataDir,
    Db db,
    Optional<Path> workflowsDir,
    Auth auth,
    Node node,
    ReadSideSettings readSide,
    WebhookSettings webhooks,
    SagaSettings sagas,
    RefusalSettings refusals,
    TraceSettings traces,
    AuditSettings audit,
    DeadlineSettings deadlines,
    Optional<SecretBox> secretKey) {

  /**
   * The database. {@code migrationUser} owns the schema and applies the migrations; empty: the
   * service's own {@code user} does.
   */
  public record Db(
      String url,
      String user,
      String password,
      String migrationUser,
      String migrationPassword,
      int journalPoolSize,
      int readJournalPoolSize,
      int servicePoolSize,
      Duration connectionTimeout) {

    public boolean isEmbedded() {
      return url.isEmpty();
    }

    /** Whether the schema has an owner of its own, apart from the service's user. */
    public boolean hasSeparateOwner() {
      return !migrationUser.isEmpty() && !migrationUser.equals(user);
    }
  }

  /** Whether something is on: always, never, or only on the embedded default. */
  public enum Toggle {
    TRUE,
    FALSE,
    EMBEDDED_ONLY;

    boolean isOn(Db db) {
      return this == TRUE || (this == EMBEDDED_ONLY && db.isEmbedded());
    }
  }

  /** Signed JWTs, when an issuer is set; the demo tokens, as {@code demoTokens} says. */
  public record Auth(
      Optional<JwtSettings> jwt, Toggle demoTokens, Map<String, Principal> demoPrincipals) {}

  /**
   * The interface the API listens on: as set, or when it is not, loopback while demo tokens are
   * accepted (their tokens are public) and every interface otherwise.
   */
  public String httpInterface() {
    if (!http.host().isBlank()) {
      return http.host();
    }
    return demoTokensAccepted() ? "127.0.0.1" : "0.0.0.0";
  }

  /** Whether demo tokens are accepted with this database. */
  public boolean demoTokensAccepted() {
    return auth.demoTokens().isOn(db);
  }

  /**
   * This node's remoting address, its management port, and how it finds the others: the seed nodes
   * ({@code host:port}) it joins, or a Pekko discovery method for cluster bootstrap (such as {@code
   * kubernetes-api}). With neither, the node forms a cluster of its own.
   */
  public record Node(
      String host,
      int port,
      List<String> seedNodes,
      int managementPort,
      Optional<String> discoveryMethod) {

    public boolean joinsOthers() {
      return !seedNodes.isEmpty() || discoveryMethod.isPresent();
    }
  }

  public static CaseflowSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    Db db =
        new Db(
            reader.jdbcUrl("db.url"),
            reader.read("db.user", Config::getString),
            reader.read("db.password", Config::getString),
            reader.read("db.migration-user", Config::getString).strip(),
            reader.read("db.migration-password", Config::getString),
            reader.positive("db.journal-pool-size", Config::getInt),
            reader.positive("db.read-journal-pool-size", Config::getInt),
            reader.positive("db.service-pool-size", Config::getInt),
            reader.positive("db.connection-timeout", Config::getDuration));
    Toggle plainHttpWebhooks = reader.toggle("webhooks.allow-http");
    CaseflowSettings settings =
        new CaseflowSettings(
            new HttpSettings(
                reader.read("http.interface", Config::getString),
                reader.port("http.port"),
                reader.positive("http.max-body-size", Config::getBytes),
                reader.positive("http.max-json-depth", Config::getInt),
                reader.positive("http.ask-timeout", Config::getDuration),
                reader.positive("http.read-timeout", Config::getDuration),
                reader.positive("http.consistency-timeout", Config::getDuration),
                reader.positive("http.event-stream-poll-interval", Config::getDuration),
                reader.positive("http.event-stream-heartbeat", Config::getDuration),
                reader.positive("http.event-stream-stall-timeout", Config::getDuration),
                new AccessRoles(
                    reader.read("auth.operator-role", Config::getString),
                    reader.read("auth.admin-role", Config::getString)),
                new RateLimitSettings(
                    reader.read("rate-limits.enabled", Config::getBoolean),
                    reader.positive("rate-limits.principal-commands", Config::getLong),
                    reader.positive("rate-limits.principal-queries", Config::getLong),
                    reader.positive("rate-limits.tenant-commands", Config::getLong),
                    reader.positive("rate-limits.tenant-queries", Config::getLong),
                    reader.positive("rate-limits.unauthenticated", Config::getLong),
                    reader.positive("rate-limits.streams-per-principal", Config::getInt),
                    reader.positive("rate-limits.streams-per-node", Config::getInt)),
                reader.origins("http.cors-origins")),
            Path.of(reader.read("data-dir", Config::getString)),
            db,
            Optional.of(reader.read("workflows-dir", Config::getString))
                .filter(dir -> !dir.isBlank())
                .map(Path::of),
            new Auth(reader.jwt(), reader.toggle("auth.demo-tokens"), reader.principals()),
            new Node(
                reader.read("cluster.host", Config::getString),
                reader.port("cluster.port"),
                reader.seedNodes("cluster.seed-nodes"),
                reader.port("cluster.management-port"),
                reader.discoveryMethod("cluster.discovery-method")),
            new ReadSideSettings(
                reader.positive("read-side.slices", Config::getInt),
                reader.positive("read-side.pool-size", Config::getInt),
                reader.positive("read-side.group-size", Config::getInt),
                reader.positive("read-side.group-window", Config::getDuration),
                reader.positive("read-side.reconcile-interval", Config::getDuration),
                reader.positive("read-side.reconcile-grace", Config::getDuration),
                reader.positive("read-side.poison-attempts", Config::getInt),
                reader.read("read-side.skip-poison-events", Config::getBoolean)),
            new WebhookSettings(
                reader.positive("webhooks.max-attempts", Config::getInt),
                reader.positive("webhooks.initial-backoff", Config::getDuration),
                reader.positive("webhooks.max-backoff", Config::getDuration),
                reader.positive("webhooks.request-timeout", Config::getDuration),
                reader.positive("webhooks.poll-interval", Config::getDuration),
                reader.positive("webhooks.batch-size", Config::getInt),
                plainHttpWebhooks.isOn(db),
                reader.listOrCommaSeparated("webhooks.allowed-private-targets")),
            new SagaSettings(
                reader.positive("sagas.step-timeout", Config::getDuration),
                reader.positive("sagas.recovery-interval", Config::getDuration),
                reader.positive("sagas.stuck-after", Config::getDuration),
                reader.read("sagas.halt-after", Config::getString)),
            new RefusalSettings(
                reader.positive("refusals.queue-size", Config::getInt),
                reader.positive("refusals.batch-size", Config::getInt),
                reader.positive("refusals.retention", Config::getDuration),
                reader.positive("refusals.cleanup-interval", Config::getDuration)),
            new TraceSettings(
                reader.optionalHttpUri("traces.otlp-endpoint"),
                reader.nonBlank("traces.service-name")),
            new AuditSettings(
                reader.optionalPath("audit.signing-key"),
                reader.optionalPath("audit.export-dir"),
                reader.positive("audit.checkpoint-interval", Config::getDuration),
                reader.positive("audit.commit-grace", Config::getDuration)),
            new DeadlineSettings(
                reader.positive("deadlines.poll-interval", Config::getDuration),
                reader.positive("deadlines.batch-size", Config::getInt)),
            reader.secretKey("secret-key"));
    reader.formerName("webhooks.secret-key");
    reader.rejectUnknown();
    Node node = settings.node();
    String joinSetting =
        node.discoveryMethod().isPresent()
            ? "caseflow.cluster.discovery-method"
            : "caseflow.cluster.seed-nodes";
    if (node.joinsOthers() && settings.db().isEmbedded()) {
      throw new InvalidSettingException(
          joinSetting,
          "needs a shared PostgreSQL database (CASEFLOW_DB_URL): the embedded H2 database belongs"
              + " to one node, so nodes on it would each keep their own journal");
    }
    if (!settings.db().migrationUser().isEmpty() && settings.db().isEmbedded()) {
      throw new InvalidSettingException(
          "caseflow.db.migration-user",
          "needs a PostgreSQL database (CASEFLOW_DB_URL): the embedded H2 database has a single"
              + " user");
    }
    if (!node.seedNodes().isEmpty() && node.discoveryMethod().isPresent()) {
      throw new InvalidSettingException(
          "caseflow.cluster.discovery-method",
          "cannot be used together with caseflow.cluster.seed-nodes: give one way to find the"
              + " other nodes");
    }
    if (settings.db().connectionTimeout().compareTo(settings.http().askTimeout()) >= 0) {
      throw new InvalidSettingException(
          "caseflow.db.connection-timeout",
          "must be shorter than caseflow.http.ask-timeout, or requests time out before the"
              + " database is even tried");
    }
    int connections = config.getInt("pekko.http.server.max-connections");
    if (settings.http().rateLimits().streamsPerNode() >= connections) {
      throw new InvalidSettingException(
          "caseflow.rate-limits.streams-per-node",
          "must be below pekko.http.server.max-connections ("
              + connections
              + "): streams at the limit would leave no connection for commands");
    }
    String serverBodyLimit = "pekko.http.server.parsing.max-content-length";
    if (!config.getString(serverBodyLimit).equals("infinite")
        && settings.http().maxBodySize() > config.getBytes(serverBodyLimit)) {
      throw new InvalidSettingException(
          "caseflow.http.max-body-size",
          "must be at most "
              + serverBodyLimit
              + " ("
              + config.getString(serverBodyLimit)
              + "): the server reads no more of a body than that");
    }
    if (settings.refusals().retention().compareTo(RefusalSettings.MIN_RETENTION) < 0) {
      throw new InvalidSettingException(
          "caseflow.refusals.retention",
          "must be at least a day: the database refuses to remove younger refusals");
    }
    return settings;
  }
}
