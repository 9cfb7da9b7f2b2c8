package io.caseflow.http;

import io.caseflow.testing.RunningCaseflow;
import java.util.Map;

/** The HTTP contract on the embedded H2 default. */
class CaseApiH2IT extends CaseApiContract {

  @Override
  RunningCaseflow startNode(Map<String, Object> settings) {
    return RunningCaseflow.onH2(settings);
  }
}
