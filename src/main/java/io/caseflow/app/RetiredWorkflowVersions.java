package io.caseflow.app;

import io.caseflow.query.CaseQueries;
import io.caseflow.query.CaseQueries.VersionUse;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refuses to start when open cases follow a workflow version that is no longer defined: a case
 * keeps the version it was opened with, so without that definition it could take no command.
 *
 * <p>The read side tells which versions cases follow. Whether a case of a removed version is closed
 * is judged by the versions of its workflow that remain (or the reserved {@code merged} state),
 * since the removed definition is all that knew its terminal states.
 */
final class RetiredWorkflowVersions {

  private RetiredWorkflowVersions() {}

  /**
   * @throws WorkflowDefinitionException naming each missing version and its count of open cases
   */
  static void check(WorkflowRegistry workflows, CaseQueries queries) {
    List<VersionUse> uses;
    try {
      uses = queries.workflowVersionsInUse();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read which workflow versions cases follow", e);
    }
    Map<String, Long> openCases = new TreeMap<>();
    for (VersionUse use : uses) {
      if (workflows.version(use.workflow(), use.version()).isEmpty()
          && !closedInRemainingVersions(workflows, use)) {
        openCases.merge(
            "'" + use.workflow() + "' version " + use.version(), use.cases(), Long::sum);
      }
    }
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

  private static boolean closedInRemainingVersions(WorkflowRegistry workflows, VersionUse use) {
    return Workflow.MERGED_STATE.equals(use.state())
        || workflows.all().stream()
            .filter(workflow -> workflow.name().equals(use.workflow()))
            .anyMatch(workflow -> workflow.isClosed(use.state()));
  }
}
