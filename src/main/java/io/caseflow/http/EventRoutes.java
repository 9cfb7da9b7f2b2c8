package io.caseflow.http;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.notify.CaseEventStreams;
import io.caseflow.notify.CaseEventStreams.Positioned;
import io.caseflow.notify.EventMessage;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Server-sent events: {@code GET /events} (the principal's tenant) and {@code GET
 * /cases/{id}/events} (one case). Each event's SSE id is the position to resume after with {@code
 * Last-Event-ID}; heartbeats keep idle streams open; a client that falls a whole buffer behind is
 * disconnected and resumes from its last id, so it never holds anything up.
 */
final class EventRoutes extends AllDirectives {

  private static final Pattern POSITION = Pattern.compile("\\d{1,18}");

  private final CaseEventStreams streams;
  private final CaseHistory history;
  private final EventStreamSettings settings;
  private final Executor blocking;
  private final Problems problems;

  /** How often an idle stream gets a heartbeat, and how far a client may fall behind. */
  record EventStreamSettings(Duration heartbeat, int bufferSize) {}

  EventRoutes(
      CaseEventStreams streams,
      CaseHistory history,
      EventStreamSettings settings,
      Executor blocking,
      Problems problems) {
    this.streams = streams;
    this.history = history;
    this.settings = settings;
    this.blocking = blocking;
    this.problems = problems;
  }

  Route routes(Principal principal) {
    return concat(
        path("events", () -> get(() -> tenantStream(principal.tenant()))),
        path(
            PathMatchers.segment("cases").slash(PathMatchers.segment()).slash("events"),
            id -> get(() -> caseStream(principal, id))));
  }

  /** Without {@code Last-Event-ID} the stream starts at the newest event: new events only. */
  private Route tenantStream(String tenant) {
    return resumeAfter(
        after ->
            stream(
                after.isPresent()
                    ? streams.ofTenant(tenant, after.getAsLong())
                    : Source.completionStageSource(
                            CompletableFuture.supplyAsync(
                                () -> streams.ofTenant(tenant, streams.newestPosition()), blocking))
                        .mapMaterializedValue(ignored -> NotUsed.getInstance())));
  }

  /** Without {@code Last-Event-ID} the stream starts at the case's first event. */
  private Route caseStream(Principal principal, String id) {
    if (!CaseId.isValid(id)) {
      return complete(problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", id)));
    }
    CaseId caseId = new CaseId(principal.tenant(), id);
    return resumeAfter(
        after ->
            onSuccess(
                history.exists(caseId).handle((exists, error) -> Optional.ofNullable(exists)),
                exists -> {
                  if (exists.isEmpty()) {
                    return complete(problems.of(ErrorCode.UNAVAILABLE, Map.of()));
                  }
                  if (!exists.get()) {
                    return complete(problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", id)));
                  }
                  return stream(streams.ofCase(caseId, after.orElse(0)));
                }));
  }

  private Route resumeAfter(Function<OptionalLong, Route> inner) {
    return optionalHeaderValueByName(
        "Last-Event-ID",
        header -> {
          if (header.isEmpty()) {
            return inner.apply(OptionalLong.empty());
          }
          String value = header.get().trim();
          if (!POSITION.matcher(value).matches()) {
            throw new MalformedRequestException(
                "Last-Event-ID must be the id of an event this stream sent, was '" + value + "'");
          }
          return inner.apply(OptionalLong.of(Long.parseLong(value)));
        });
  }

  private Route stream(Source<Positioned, NotUsed> events) {
    Source<ServerSentEvent, NotUsed> sse =
        events
            .map(
                positioned ->
                    ServerSentEvent.create(
                        EventMessage.of(positioned.event()).json(),
                        CaseEvent.typeName(positioned.event()),
                        Long.toString(positioned.position())))
            .buffer(settings.bufferSize(), OverflowStrategy.fail())
            .keepAlive(settings.heartbeat(), ServerSentEvent::heartbeat);
    return completeOK(sse, EventStreamMarshalling.toEventStream());
  }
}
