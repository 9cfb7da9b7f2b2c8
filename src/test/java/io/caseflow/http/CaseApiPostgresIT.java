package io.caseflow.http;

import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;

/** The HTTP contract on a real PostgreSQL provisioned by the test suite. */
class CaseApiPostgresIT extends CaseApiContract {

  @Override
  RunningCaseflow startNode() {
    return RunningCaseflow.onPostgres(TestPostgres.newDatabase());
  }
}
