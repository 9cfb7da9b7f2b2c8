package io.caseflow.query;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseDecider;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply.Verdict;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.jdbc.Page;
import io.caseflow.jdbc.Sql;
import io.caseflow.query.CaseQueries.CaseSummary;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowAction;
import io.caseflow.workflow.WorkflowRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The work inbox: the cases a principal can act on now, each with the actions they can take, newest
 * update first. The read side narrows the cases down to the states where one of the principal's
 * roles has an action; each is then judged by the case's own rules ({@link CaseDecider#verdicts})
 * on the case as the read side holds it, four-eyes included. An action that only wants data or a
 * comment the principal can give counts as one they can take.
 */
public final class Inbox {

  /** A case of the inbox, with the actions the principal can take on it. */
  public record Item(@JsonUnwrapped CaseSummary item, List<String> actions) {}

  private final DataSource dataSource;
  private final WorkflowRegistry workflows;
  private final Clock clock;

  public Inbox(DataSource dataSource, WorkflowRegistry workflows, Clock clock) {
    this.dataSource = dataSource;
    this.workflows = workflows;
    this.clock = clock;
  }

  /**
   * A page of the principal's inbox ({@code assignee}: only cases assigned to them, or null).
   *
   * @throws IllegalArgumentException when the cursor is not one this service issued
   */
  public Page<Item> page(Principal principal, String assignee, int limit, String cursor)
      throws SQLException {
    Set<String> states = actionableStates(principal);
    if (states.isEmpty()) {
      return new Page<>(List.of(), null);
    }
    List<Item> items = new ArrayList<>();
    String after = cursor;
    try (Connection connection = dataSource.getConnection()) {
      while (items.size() <= limit) {
        List<Row> rows = rows(connection, principal.tenant(), states, assignee, after, limit + 1);
        for (Row row : rows) {
          List<String> actions = actionsOf(row, principal);
          if (!actions.isEmpty()) {
            items.add(new Item(row.summary(), actions));
            if (items.size() == limit + 1) {
              break;
            }
          }
        }
        if (rows.size() <= limit || items.size() > limit) {
          break;
        }
        CaseSummary last = rows.get(rows.size() - 1).summary();
        after = CaseQueries.cursorOf(last);
      }
    }
    return Page.of(items, limit, item -> CaseQueries.cursorOf(item.item()));
  }

  /** The states (of any workflow) where one of the principal's roles has an action. */
  private Set<String> actionableStates(Principal principal) {
    Set<String> states = new LinkedHashSet<>();
    for (Workflow workflow : workflows.all()) {
      for (WorkflowAction action : workflow.actions().values()) {
        if (principal.hasAnyRole(action.roles())) {
          states.addAll(action.from());
        }
      }
    }
    return states;
  }

  /** The actions the principal can take on the case now, by the case's own rules. */
  private List<String> actionsOf(Row row, Principal principal) {
    CaseSummary summary = row.summary();
    if (workflows.version(summary.workflow(), summary.workflowVersion()).isEmpty()) {
      return List.of();
    }
    Active state =
        new Active(
            summary.id(),
            summary.tenant(),
            summary.workflow(),
            summary.workflowVersion(),
            summary.subject(),
            summary.title(),
            summary.state(),
            summary.version(),
            summary.assignee(),
            summary.data(),
            summary.createdAt(),
            summary.updatedAt(),
            null,
            row.performers(),
            List.of(),
            null,
            Map.of(),
            Set.of(),
            row.stateSeq(),
            row.stateSince());
    return new CaseDecider(new CaseId(summary.tenant(), summary.id()), workflows)
        .verdicts(state, principal, clock.instant()).stream()
            .filter(verdict -> verdict.allowed() || verdict.code() == ErrorCode.MISSING_FIELD)
            .map(Verdict::action)
            .toList();
  }

  private record Row(
      CaseSummary summary, Map<String, String> performers, long stateSeq, Instant stateSince) {}

  private static List<Row> rows(
      Connection connection,
      String tenant,
      Set<String> states,
      String assignee,
      String cursor,
      int limit)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + CaseQueries.SUMMARY_COLUMNS
                + ", performers, state_seq, state_since FROM cases WHERE tenant = ? AND state IN ("
                + String.join(", ", Collections.nCopies(states.size(), "?"))
                + ")");
    List<Object> parameters = new ArrayList<>();
    parameters.add(tenant);
    parameters.addAll(states);
    Sql.andEqual(sql, parameters, "assignee", assignee);
    CaseQueries.after(sql, parameters, cursor);
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ?");
    parameters.add(limit);
    return Sql.query(connection, sql.toString(), Inbox::row, parameters.toArray());
  }

  @SuppressWarnings("unchecked")
  private static Row row(ResultSet row) throws SQLException {
    String performers = row.getString(14);
    return new Row(
        CaseQueries.summary(row),
        performers == null
            ? Map.of()
            : (Map<String, String>) (Map<?, ?>) CanonicalJson.parseObject(performers),
        row.getLong(15),
        Sql.instant(row, 16));
  }
}
