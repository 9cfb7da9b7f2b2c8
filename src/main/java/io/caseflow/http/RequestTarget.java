package io.caseflow.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a request was about, for the refusal log: its route template ({@code
 * /cases/{caseId}/actions/{action}}) and the case and action it named. Ids are taken out of the
 * path so that refusals of one route can be counted together; a segment that is neither one of the
 * API's words nor in an id's place is written {@code *}, so a made-up path is not copied.
 */
record RequestTarget(String route, String caseId, String action) {

  private static final Set<String> WORDS =
      Set.of(
          "cases",
          "actions",
          "assignee",
          "comments",
          "history",
          "verify",
          "events",
          "merge",
          "stats",
          "workflows",
          "webhooks",
          "dead-letters",
          "redrive",
          "rotate-secret",
          "sagas",
          "refusals",
          "admin",
          "read-side",
          "rebuild",
          "audit",
          "checkpoints",
          "public-key",
          "erasures",
          "explain",
          "inbox",
          "migrations",
          "bulk",
          "reassign",
          "cancel",
          "health",
          "alive",
          "ready",
          "openapi.json",
          "docs",
          "console",
          "me");

  static RequestTarget of(String path) {
    List<String> route = new ArrayList<>();
    String caseId = null;
    String action = null;
    String previous = null;
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      String variable = variableAfter(previous, segment, route.size());
      if (variable == null) {
        route.add(WORDS.contains(segment) ? segment : "*");
      } else {
        route.add("{" + variable + "}");
        if (variable.equals("caseId")) {
          caseId = segment;
        } else if (variable.equals("action")) {
          action = segment;
        }
      }
      previous = segment;
    }
    return new RequestTarget("/" + String.join("/", route), caseId, action);
  }

  /** The name of the id in this place of the path, or null where the API has a word. */
  private static String variableAfter(String previous, String segment, int position) {
    if (previous == null) {
      return null;
    }
    return switch (previous) {
      case "cases" -> position == 1 ? "caseId" : null;
      case "actions" -> "action";
      case "sagas" -> position == 1 ? "sagaId" : null;
      case "webhooks" -> segment.equals("dead-letters") ? null : "webhookId";
      case "dead-letters" -> "deliveryId";
      case "checkpoints" -> position == 2 ? "number" : null;
      case "migrations" -> position == 2 ? "operationId" : null;
      default -> null;
    };
  }
}
