package io.caseflow.http;

import io.caseflow.cases.CommandMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every answer of the API by method, route template and status, timed from the request to the
 * response's headers (a live stream's lasts until it ends, and is not timed here). The route is
 * {@link RequestTarget}'s template, {@code /cases/{caseId}/actions/{action}}: never the path as
 * sent, so neither case ids nor made-up paths become label values.
 */
final class RequestMetrics extends AllDirectives {

  private final Meter.MeterProvider<Timer> requests;

  RequestMetrics(MeterRegistry registry) {
    this.requests =
        Timer.builder("http.server.requests")
            .description("HTTP requests the API answered, from the request to the response")
            .serviceLevelObjectives(CommandMetrics.LATENCY_BUCKETS)
            .withRegistry(registry);
  }

  Route measured(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long received = System.nanoTime();
          return mapResponse(
              response -> {
                requests
                    .withTags(
                        "method",
                        request.method().name(),
                        "route",
                        RequestTarget.of(request.getUri().path()).route(),
                        "status",
                        Integer.toString(response.status().intValue()))
                    .record(System.nanoTime() - received, TimeUnit.NANOSECONDS);
                return response;
              },
              inner);
        });
  }
}
