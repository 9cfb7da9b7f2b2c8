package io.caseflow.http;

import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.util.Map;

/** The HTTP contract on a real PostgreSQL provisioned by the test suite. */
class CaseApiPostgresIT extends CaseApiContract {

  @Override
  RunningCaseflow startNode(Map<String, Object> settings) {
    return RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings);
  }
}
