package io.caseflow.http;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What decides whether the node takes traffic, and what it reports alongside. */
@FunctionalInterface
public interface ReadinessCheck {

  /**
   * @param checks named yes/no checks; the node is ready when all pass
   * @param details further facts for operators (such as read-side lag); they decide nothing
   */
  record Readiness(Map<String, Boolean> checks, Map<String, Object> details) {}

  CompletionStage<Readiness> check();
}
