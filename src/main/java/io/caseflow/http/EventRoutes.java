package io.caseflow.http;

import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.Principal;
import io.caseflow.notify.CaseEventStreams;
import io.caseflow.notify.CaseEventStreams.Positioned;
import io.caseflow.notify.EventMessage;
import io.caseflow.notify.FeedPosition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Server-sent events: {@code GET /events} (the principal's tenant) and {@code GET
 * /cases/{id}/events} (one case). Each event's SSE id is the position to resume after with {@code
 * Last-Event-ID}: the case's sequence number on a case stream, the feed position (one number per
 * read-side slice, joined by dots) on a tenant stream. Heartbeats keep idle streams open.
 *
 * <p>A slow client slows only its own stream: the stream reads in batches (a few hundred events
 * held, no connection kept between batches) only as its client takes them. A client that takes
 * nothing for the stall timeout is disconnected and resumes from its last id.
 */
final class EventRoutes extends RouteSupport {

  private static final Pattern CASE_POSITION = Pattern.compile("\\d{1,18}");
  private static final ByteString HEARTBEAT = ByteString.fromString(":\n\n");
  private static final Duration STREAM_RETRY_AFTER = Duration.ofSeconds(5);

  private final CaseEventStreams streams;
  private final CaseHistory history;
  private final EventStreamSettings settings;
  private final RateLimits limits;

  /** How often an idle stream gets a heartbeat, and how long a client may stall. */
  record EventStreamSettings(Duration heartbeat, Duration stallTimeout) {}

  private final AtomicInteger open = new AtomicInteger();

  EventRoutes(
      CaseEventStreams streams,
      CaseHistory history,
      EventStreamSettings settings,
      RateLimits limits,
      MeterRegistry metrics,
      Context context) {
    super(context);
    this.streams = streams;
    this.history = history;
    this.settings = settings;
    this.limits = limits;
    Gauge.builder("caseflow.live.streams", open, AtomicInteger::get)
        .description("Live event streams (SSE) this node is serving")
        .register(metrics);
  }

  Route routes(Principal principal) {
    return concat(
        path("events", () -> get(() -> tenantStream(principal))),
        path(
            PathMatchers.segment("cases").slash(PathMatchers.segment()).slash("events"),
            id -> get(() -> caseId(principal, id, caseId -> caseStream(principal, caseId)))));
  }

  /**
   * Without {@code Last-Event-ID} the stream starts at the feed's newest position: new events only.
   * That position is fixed before the response starts, so whatever is committed after a client sees
   * the response headers is on its stream.
   */
  private Route tenantStream(Principal principal) {
    String tenant = principal.tenant();
    return lastEventId(
        after ->
            after.isPresent()
                ? stream(principal, streams.ofTenant(tenant, tenantPosition(after.get())))
                : whenStored(
                    streams::newestPosition,
                    newest -> stream(principal, streams.ofTenant(tenant, newest))));
  }

  /** Without {@code Last-Event-ID} the stream starts at the case's first event. */
  private Route caseStream(Principal principal, CaseId caseId) {
    return lastEventId(
        after -> {
          long position = after.map(EventRoutes::casePosition).orElse(0L);
          return whenStored(
              history.exists(caseId),
              exists ->
                  exists
                      ? stream(principal, streams.ofCase(caseId, position))
                      : complete(
                          problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", caseId.id()))));
        });
  }

  private FeedPosition tenantPosition(String lastEventId) {
    try {
      return streams.tenantPosition(lastEventId);
    } catch (IllegalArgumentException e) {
      throw notSent(lastEventId);
    }
  }

  private static long casePosition(String lastEventId) {
    if (!CASE_POSITION.matcher(lastEventId).matches()) {
      throw notSent(lastEventId);
    }
    return Long.parseLong(lastEventId);
  }

  private static MalformedRequestException notSent(String lastEventId) {
    return new MalformedRequestException(
        "Last-Event-ID must be the id of an event this stream sent, was '" + lastEventId + "'");
  }

  private Route lastEventId(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName(
        "Last-Event-ID", header -> inner.apply(header.map(String::trim)));
  }

  /**
   * Frames are written here rather than by Pekko's SSE marshaller so that heartbeats are comment
   * lines, which no client mistakes for an event. Event data is compact JSON: one line.
   */
  private Route stream(Principal principal, Source<Positioned, NotUsed> events) {
    Optional<Runnable> permit = limits.openStream(principal);
    if (permit.isEmpty()) {
      return complete(
          problems.rateLimited(new RateLimits.Limited("open live streams", STREAM_RETRY_AFTER)));
    }
    Source<ByteString, NotUsed> frames =
        events
            .mapAsync(1, this::frame)
            .keepAlive(settings.heartbeat(), () -> HEARTBEAT)
            .backpressureTimeout(settings.stallTimeout())
            .watchTermination(
                (notUsed, done) -> {
                  open.incrementAndGet();
                  done.whenComplete(
                      (ended, error) -> {
                        open.decrementAndGet();
                        permit.get().run();
                      });
                  return notUsed;
                });
    return complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), frames)));
  }

  /** An event's frame, its personal values opened (or shown erased) as it is sent. */
  private CompletionStage<ByteString> frame(Positioned positioned) {
    EventMessage message = EventMessage.of(positioned.event());
    return revealedJson(
            message.json(),
            message.event().data().values().stream().anyMatch(PersonalData::isSealed))
        .thenApply(
            data ->
                ByteString.fromString(
                    "id: "
                        + positioned.id()
                        + "\nevent: "
                        + positioned.event().typeName()
                        + "\ndata: "
                        + data
                        + "\n\n"));
  }
}
