package io.caseflow.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The JSON bodies the HTTP API accepts. */
final class RequestBodies {

  private RequestBodies() {}

  record OpenCase(
      String id, String workflow, String subject, String title, Map<String, Object> data) {}

  record PerformAction(String comment, Map<String, Object> data) {}

  /** {@code assignee} must be present; null unassigns. */
  record Assign(@JsonProperty(required = true) String assignee) {}

  record AddComment(String text) {}

  /** A migration of a workflow's cases: {@code dryRun} only says what would happen. */
  record Migration(String workflow, Integer fromVersion, Integer toVersion, Boolean dryRun) {}

  /** Which cases a bulk operation takes: each part given must match. */
  record Selection(String workflow, Integer workflowVersion, String state, String assignee) {}

  /**
   * Reassign the cases {@code filter} finds (all of the tenant's without one) to {@code assignee}.
   */
  record Reassignment(Selection filter, String assignee) {}

  /** The subject whose personal data is to be erased, as the cases name it. */
  record Erasure(String subject) {}

  /** {@code intoVersion}: the primary's version the merge is meant for; absent for any. */
  record Merge(@JsonProperty(required = true) String into, Long intoVersion) {}
}
