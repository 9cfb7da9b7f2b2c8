package io.caseflow.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The transactional baseline Caseflow is measured against: the same {@code POST
 * /cases/{id}/actions/{action}} over the same HTTP stack, done the classic way, in one JDBC
 * transaction per request: lock the case row, check the transition, update the row, insert a
 * transition row and an audit row, bump a per-state counter. Same database, same durability.
 *
 * <p>Benchmark code only: {@code java -cp … io.caseflow.bench.BaselineService <port> <jdbc url>
 * <user> <password>}.
 */
public final class BaselineService extends AllDirectives {

  private static final Map<String, String[]> TRANSITIONS =
      Map.of(
          "submit", new String[] {"draft", "in_review"},
          "request_changes", new String[] {"in_review", "changes_requested"},
          "resubmit", new String[] {"changes_requested", "in_review"});

  private final HikariDataSource dataSource;
  private final ExecutorService jdbc;

  private BaselineService(HikariDataSource dataSource, int threads) {
    this.dataSource = dataSource;
    this.jdbc = Executors.newFixedThreadPool(threads);
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(args[1]);
    pool.setUsername(args[2]);
    pool.setPassword(args[3]);
    int size = Integer.getInteger("baseline.pool", 16);
    pool.setMaximumPoolSize(size);
    HikariDataSource dataSource = new HikariDataSource(pool);
    createSchema(dataSource);
    BaselineService service = new BaselineService(dataSource, size);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "baseline");
    Http.get(system)
        .newServerAt("127.0.0.1", port)
        .bind(service.route())
        .toCompletableFuture()
        .join();
    System.out.println("baseline ready on " + port);
  }

  static void createSchema(HikariDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS base_cases (id VARCHAR(64) PRIMARY KEY, tenant VARCHAR(64) NOT NULL,"
              + " state VARCHAR(64) NOT NULL, version BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS base_transitions (case_id VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,"
              + " action VARCHAR(64) NOT NULL, from_state VARCHAR(64) NOT NULL, to_state VARCHAR(64) NOT NULL,"
              + " actor VARCHAR(64) NOT NULL, at TIMESTAMPTZ NOT NULL, comment TEXT, PRIMARY KEY (case_id, seq))");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS base_audit (id BIGSERIAL PRIMARY KEY, case_id VARCHAR(64) NOT NULL,"
              + " seq BIGINT NOT NULL, type VARCHAR(64) NOT NULL, actor VARCHAR(64) NOT NULL,"
              + " at TIMESTAMPTZ NOT NULL, payload TEXT NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS base_state_counts (tenant VARCHAR(64) NOT NULL, state VARCHAR(64) NOT NULL,"
              + " cases BIGINT NOT NULL, PRIMARY KEY (tenant, state))");
    }
  }

  private Route route() {
    return pathPrefix(
        "cases",
        () ->
            path(
                PathMatchers.segment().slash("actions").slash(PathMatchers.segment()),
                (id, action) ->
                    post(
                        () ->
                            optionalHeaderValueByName(
                                "Authorization",
                                auth ->
                                    entity(
                                        org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller
                                            .entityToString(),
                                        body ->
                                            completeWithFuture(
                                                CompletableFuture.supplyAsync(
                                                    () ->
                                                        perform(id, action, user(auth.orElse(""))),
                                                    jdbc)))))));
  }

  private static String user(String authorization) {
    return authorization.startsWith("Bearer demo-") ? authorization.substring(12) : "anonymous";
  }

  private HttpResponse perform(String id, String action, String user) {
    String[] transition = TRANSITIONS.get(action);
    if (transition == null) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        String state;
        long version;
        String tenant;
        try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT state, version, tenant FROM base_cases WHERE id = ? FOR UPDATE")) {
          lock.setString(1, id);
          try (ResultSet row = lock.executeQuery()) {
            if (!row.next()) {
              connection.rollback();
              return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
            }
            state = row.getString(1);
            version = row.getLong(2);
            tenant = row.getString(3);
          }
        }
        if (!state.equals(transition[0])) {
          connection.rollback();
          return HttpResponse.create().withStatus(StatusCodes.CONFLICT);
        }
        long seq = version + 1;
        update(
            connection,
            "UPDATE base_cases SET state = ?, version = ?, updated_at = now() WHERE id = ?",
            transition[1],
            seq,
            id);
        update(
            connection,
            "INSERT INTO base_transitions (case_id, seq, action, from_state, to_state, actor, at, comment)"
                + " VALUES (?, ?, ?, ?, ?, ?, now(), NULL)",
            id,
            seq,
            action,
            transition[0],
            transition[1],
            user);
        update(
            connection,
            "INSERT INTO base_audit (case_id, seq, type, actor, at, payload) VALUES (?, ?, 'action_performed', ?, now(), ?)",
            id,
            seq,
            user,
            "{\"action\":\"" + action + "\"}");
        // Counter rows are locked in a fixed order, as any careful implementation does, so
        // concurrent transitions queue on the hot rows instead of deadlocking.
        String first = transition[0].compareTo(transition[1]) < 0 ? transition[0] : transition[1];
        String second = first.equals(transition[0]) ? transition[1] : transition[0];
        for (String counted : new String[] {first, second}) {
          update(
              connection,
              "UPDATE base_state_counts SET cases = cases + ? WHERE tenant = ? AND state = ?",
              counted.equals(transition[0]) ? -1 : 1,
              tenant,
              counted);
        }
        connection.commit();
        return HttpResponse.create()
            .withEntity(
                ContentTypes.APPLICATION_JSON,
                "{\"id\":\""
                    + id
                    + "\",\"state\":\""
                    + transition[1]
                    + "\",\"version\":"
                    + seq
                    + "}");
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE);
    }
  }

  private static void update(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    }
  }
}
