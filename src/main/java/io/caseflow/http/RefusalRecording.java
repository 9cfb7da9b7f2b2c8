package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.refusals.Refusal;
import io.caseflow.refusals.RefusalRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Hands every refused answer to a request that reached a principal or a case to the refusal log:
 * unauthenticated, forbidden, not found, conflicts, failed preconditions, invalid input and rate
 * limits. Bad syntax ({@code 400}) and unavailability are not refusals of the requester.
 */
final class RefusalRecording extends AllDirectives {

  private static final Set<Integer> REFUSED = Set.of(401, 403, 404, 409, 412, 422, 429);

  /** Who asked: a principal, or what a refused token claims (unverified), and from where. */
  record Requester(String tenant, String actor, boolean verified, String address) {

    static Requester of(Principal principal, String address) {
      return new Requester(principal.tenant(), principal.userId(), true, address);
    }

    static Requester unverified(Optional<Authenticator.Claimed> claimed, String address) {
      return new Requester(
          claimed.flatMap(Authenticator.Claimed::tenant).orElse(null),
          claimed.flatMap(Authenticator.Claimed::user).orElse(null),
          false,
          address);
    }
  }

  private final RefusalRecorder recorder;
  private final Clock clock;
  private final Meter.MeterProvider<Counter> refused;

  RefusalRecording(RefusalRecorder recorder, Clock clock, MeterRegistry metrics) {
    this.recorder = recorder;
    this.clock = clock;
    this.refused =
        Counter.builder("caseflow.refusals")
            .description("Requests refused (401, 403, 404, 409, 412, 422, 429) by error code")
            .withRegistry(metrics);
  }

  Route recording(HttpRequest request, Requester requester, Supplier<Route> inner) {
    return mapResponse(
        response -> {
          record(request, requester, response);
          return response;
        },
        inner);
  }

  private void record(HttpRequest request, Requester requester, HttpResponse response) {
    Optional<ErrorCode> code =
        response.getAttribute(Problems.CODE).filter(c -> REFUSED.contains(statusOf(c)));
    if (code.isEmpty()) {
      return;
    }
    refused.withTags("code", code.get().code()).increment();
    RequestTarget target = RequestTarget.of(request.getUri().path());
    recorder.record(
        new Refusal(
            clock.instant(),
            requester.tenant(),
            requester.actor(),
            requester.verified(),
            requester.address(),
            request.method().name(),
            target.route(),
            target.caseId(),
            target.action(),
            code.get().code()));
  }

  private static int statusOf(ErrorCode code) {
    return Problems.statusOf(code).intValue();
  }
}
