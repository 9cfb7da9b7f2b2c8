package io.caseflow.app;

import io.caseflow.jdbc.Sql;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A deployed workflow version never changes, as in every BPM engine: its running cases keep
 * following it, so a definition edited in place would change the rules under them unseen (a
 * deadline shortened for new cases would never reach the ones already waiting). The first start
 * that loads a version records the hash of what its definition means ({@code workflow_versions});
 * every later start compares, and refuses a version whose definition changed, naming its file.
 *
 * <p>Several nodes may start at once: each adds the versions it finds absent, a node that lost the
 * race to add one takes the winner's row, and all then compare with what is recorded, so they agree
 * whichever added it.
 */
final class DeployedWorkflowVersions {

  /** SQLSTATE of a unique violation, on PostgreSQL and H2 alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private record Recorded(String hash, String source, Instant firstDeployedAt) {}

  private DeployedWorkflowVersions() {}

  /**
   * Records each version not recorded yet, then compares every one with its record.
   *
   * @throws WorkflowDefinitionException naming the file, the workflow and the version of each
   *     definition that differs from the one first deployed
   */
  static void check(DataSource dataSource, List<WorkflowSource> versions, Clock clock) {
    Map<String, Recorded> recorded;
    try (Connection connection = dataSource.getConnection()) {
      Map<String, Recorded> before = recorded(connection);
      List<WorkflowSource> absent =
          versions.stream()
              .filter(version -> !before.containsKey(key(version.workflow(), version.version())))
              .toList();
      for (WorkflowSource version : absent) {
        addUnlessAdded(connection, version, clock.instant());
      }
      recorded = absent.isEmpty() ? before : recorded(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read or record the deployed workflow versions: " + e.getMessage(), e);
    }
    List<WorkflowDefinitionException> changed = new ArrayList<>();
    for (WorkflowSource version : versions) {
      Recorded first = recorded.get(key(version.workflow(), version.version()));
      if (!first.hash().equals(version.definitionHash())) {
        changed.add(
            new WorkflowDefinitionException(
                version.file(),
                List.of(
                    "'"
                        + version.workflow()
                        + "' version "
                        + version.version()
                        + " is not the definition deployed on "
                        + first.firstDeployedAt()
                        + " (from "
                        + first.source()
                        + "): a deployed version never changes, since its running cases"
                        + " keep following it. Restore it, and publish the change as a new"
                        + " version instead: a file of its own with a higher version, and a"
                        + " migration if running cases should move to it")));
      }
    }
    if (!changed.isEmpty()) {
      throw WorkflowDefinitionException.of(changed);
    }
  }

  /**
   * Adds a version's record, unless another node added it first: then its row stands, and is what
   * this node compares with.
   */
  private static void addUnlessAdded(Connection connection, WorkflowSource version, Instant now)
      throws SQLException {
    try {
      Sql.update(
          connection,
          "INSERT INTO workflow_versions"
              + " (workflow, version, definition_hash, source, first_deployed_at)"
              + " VALUES (?, ?, ?, ?, ?)",
          version.workflow(),
          version.version(),
          version.definitionHash(),
          version.file(),
          now);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static Map<String, Recorded> recorded(Connection connection) throws SQLException {
    Map<String, Recorded> recorded = new HashMap<>();
    Sql.query(
        connection,
        "SELECT workflow, version, definition_hash, source, first_deployed_at"
            + " FROM workflow_versions",
        row ->
            recorded.put(
                key(row.getString(1), row.getInt(2)),
                new Recorded(row.getString(3), row.getString(4), Sql.instant(row, 5))));
    return recorded;
  }

  private static String key(String workflow, int version) {
    return workflow + " v" + version;
  }
}
