package io.caseflow.http;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Named yes/no checks that must all pass before the node takes traffic. */
@FunctionalInterface
public interface ReadinessCheck {

  CompletionStage<Map<String, Boolean>> check();
}
