package io.caseflow.bench;

import java.time.Duration;
import java.util.List;

/**
 * A closed-loop load on {@code POST /cases/{id}/actions/{action}}: {@code clients} concurrent
 * clients, each cycling its share of the given cases through submit, then request_changes and
 * resubmit in turn, for a fixed time. A case whose request fails leaves the rotation.
 */
interface Load {

  record Result(
      long acknowledged,
      long errors,
      double seconds,
      double p50Millis,
      double p99Millis,
      double p999Millis) {

    double perSecond() {
      return acknowledged / seconds;
    }
  }

  String name();

  Result run(String baseUrl, List<String> caseIds, int clients, Duration duration) throws Exception;
}
