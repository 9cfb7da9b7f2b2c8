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

  /** The subject whose personal data is to be erased, as the cases name it. */
  record Erasure(String subject) {}

  /** {@code intoVersion}: the primary's version the merge is meant for; absent for any. */
  record Merge(@JsonProperty(required = true) String into, Long intoVersion) {}
}
