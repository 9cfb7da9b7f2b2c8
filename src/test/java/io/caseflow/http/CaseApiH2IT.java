package io.caseflow.http;

import io.caseflow.testing.RunningCaseflow;

/** The HTTP contract on the embedded H2 default. */
class CaseApiH2IT extends CaseApiContract {

  @Override
  RunningCaseflow startNode() {
    return RunningCaseflow.onH2();
  }
}
