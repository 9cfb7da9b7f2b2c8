package io.caseflow.app;

import com.typesafe.config.Config;
import io.caseflow.audit.JournalReader;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.CaseTags;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.CaseQueries.VersionUse;
import io.caseflow.readside.UnappliedCases;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start when open cases follow a workflow version that is no longer defined: a case
 * keeps the version it was opened with, so without that definition it could take no command.
 *
 * <p>Which versions cases follow is read from what is durable: the read side's rows, corrected by
 * the journal's events the read side has not applied yet ({@link UnappliedCases}, typically those
 * of the last moments before a stop), whose cases are folded from their whole journal history as
 * the entity would. So a case opened, migrated or closed just before a stop counts as it is. That
 * costs what the read side's backlog holds, not what the journal holds.
 *
 * <p>Whether a case of a removed version is closed is judged by the versions of its workflow that
 * remain (or the reserved {@code merged} state), since the removed definition is all that knew its
 * terminal states.
 */
final class RetiredWorkflowVersions {

  private static final Logger log = LoggerFactory.getLogger(RetiredWorkflowVersions.class);

  /** Cases are counted by the version they follow and their state in it. */
  private record Use(String workflow, int version, String state) {

    static Use of(VersionUse use) {
      return new Use(use.workflow(), use.version(), use.state());
    }
  }

  private RetiredWorkflowVersions() {}

  /**
   * @param service the node's configuration, for the serialization settings the journal's events
   *     are read with
   * @throws WorkflowDefinitionException naming each missing version and its count of open cases
   */
  static void check(
      WorkflowRegistry workflows, DataSource dataSource, CaseTags tags, Config service) {
    Map<Use, Long> uses;
    try {
      uses = versionsInUse(dataSource, tags, service);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read which workflow versions cases follow", e);
    }
    Map<String, Long> openCases = new TreeMap<>();
    uses.forEach(
        (use, cases) -> {
          if (cases > 0
              && workflows.version(use.workflow(), use.version()).isEmpty()
              && !closedInRemainingVersions(workflows, use)) {
            openCases.merge("'" + use.workflow() + "' version " + use.version(), cases, Long::sum);
          }
        });
    if (!openCases.isEmpty()) {
      List<String> problems = new ArrayList<>();
      openCases.forEach(
          (version, count) ->
              problems.add(
                  version
                      + " is not defined any more, but "
                      + count
                      + " open case(s) follow it: deploy its definition again (a newer version"
                      + " may stand beside it)"));
      throw new WorkflowDefinitionException("set", problems);
    }
  }

  /**
   * How many cases follow each version in each state: the read side's counts, with each case it is
   * behind on taken as its journal makes it.
   */
  private static Map<Use, Long> versionsInUse(DataSource dataSource, CaseTags tags, Config service)
      throws SQLException {
    CaseQueries readSide = new CaseQueries(dataSource);
    Map<Use, Long> uses = new HashMap<>();
    for (VersionUse use : readSide.workflowVersionsInUse()) {
      uses.merge(Use.of(use), use.cases(), Long::sum);
    }
    try (Connection connection = dataSource.getConnection()) {
      Set<CaseId> behind = UnappliedCases.in(connection, tags);
      if (behind.isEmpty()) {
        return uses;
      }
      ActorSystem serialization = SerializationOnly.start("retired-workflow-versions", service);
      try {
        JournalReader journal = new JournalReader(SerializationExtension.get(serialization));
        for (CaseId caseId : behind) {
          Optional<Use> journaled = fromJournal(journal, connection, caseId);
          if (journaled.isEmpty()) {
            continue;
          }
          readSide
              .workflowVersionOf(caseId)
              .ifPresent(row -> uses.merge(Use.of(row), -1L, Long::sum));
          uses.merge(journaled.get(), 1L, Long::sum);
        }
      } finally {
        serialization.terminate();
      }
    }
    return uses;
  }

  /**
   * The case's version and state, folded from its journal history; empty (the read side's row
   * stands) when that history cannot be read, as the read side would skip a poison event.
   */
  private static Optional<Use> fromJournal(
      JournalReader journal, Connection connection, CaseId caseId) throws SQLException {
    CaseState state;
    try {
      state = CaseState.replay(journal.events(connection, caseId));
    } catch (RuntimeException unreadable) {
      log.warn(
          "Cannot read the journal of case {} to tell which workflow version it follows; taking"
              + " the read side's",
          caseId,
          unreadable);
      return Optional.empty();
    }
    return state instanceof Active active
        ? Optional.of(new Use(active.workflow(), active.workflowVersion(), active.state()))
        : Optional.empty();
  }

  private static boolean closedInRemainingVersions(WorkflowRegistry workflows, Use use) {
    return Workflow.MERGED_STATE.equals(use.state())
        || workflows.all().stream()
            .filter(workflow -> workflow.name().equals(use.workflow()))
            .anyMatch(workflow -> workflow.isClosed(use.state()));
  }
}
