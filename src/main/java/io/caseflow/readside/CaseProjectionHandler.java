package io.caseflow.readside;

import io.caseflow.cases.CaseEvent;
import io.caseflow.jdbc.PooledJdbcSession;
import io.caseflow.jdbc.TransientFailures;
import io.caseflow.observe.Tracing;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of case events in the projection's transaction, which also stores the offset: the
 * read side holds all of a group or none of it.
 */
final class CaseProjectionHandler
    extends JdbcHandler<List<EventEnvelope<CaseEvent>>, PooledJdbcSession> {

  private static final Logger log = LoggerFactory.getLogger(CaseProjectionHandler.class);

  private final int slice;
  private final CaseReadModel readModel;
  private final PoisonEvents poison;
  private final DeadLetters deadLetters;
  private final Counter projected;
  private final Tracer tracer;

  CaseProjectionHandler(
      int slice,
      CaseReadModel readModel,
      PoisonEvents poison,
      DeadLetters deadLetters,
      Counter projected,
      Tracer tracer) {
    this.slice = slice;
    this.readModel = readModel;
    this.poison = poison;
    this.deadLetters = deadLetters;
    this.projected = projected;
    this.tracer = tracer;
  }

  /**
   * Applies the group in a span of its own, linked to the trace of each event's request: one batch
   * serves many requests, so it is the child of none.
   */
  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CaseEvent>> envelopes)
      throws Exception {
    SpanBuilder batch =
        tracer
            .spanBuilder("projection batch")
            .setNoParent()
            .setAttribute(Tracing.PROJECTION, CaseProjection.NAME)
            .setAttribute(Tracing.SLICE, (long) slice)
            .setAttribute(Tracing.EVENTS, (long) envelopes.size());
    for (EventEnvelope<CaseEvent> envelope : envelopes) {
      SpanContext request = Tracing.linkTo(envelope.event().traceparent());
      if (request.isValid()) {
        batch.addLink(request);
      }
    }
    Span span = batch.startSpan();
    try (Scope current = span.makeCurrent()) {
      apply(session, envelopes);
    } catch (Exception e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private void apply(PooledJdbcSession session, List<EventEnvelope<CaseEvent>> envelopes)
      throws Exception {
    session.withConnection(
        connection -> {
          readModel.lockSlice(connection, slice);
          if (envelopes.stream()
              .anyMatch(e -> poison.isSuspect(e.persistenceId(), e.sequenceNr()))) {
            applyOneByOne(connection, envelopes);
            projected.increment(envelopes.size());
            return null;
          }
          try {
            readModel.applyAll(
                connection, envelopes.stream().map(EventEnvelope::event).toList(), slice);
          } catch (Exception e) {
            log.warn(
                "Read side could not apply a group of {} events: {}",
                envelopes.size(),
                e.toString());
            if (!TransientFailures.isTransient(e)) {
              envelopes.forEach(
                  envelope -> poison.suspect(envelope.persistenceId(), envelope.sequenceNr()));
            }
            throw e;
          }
          projected.increment(envelopes.size());
          return null;
        });
  }

  /**
   * The careful path, taken when a group failed before: event by event, so the one that fails is
   * found, counted and, past the limit, dead-lettered.
   */
  private void applyOneByOne(
      java.sql.Connection connection, List<EventEnvelope<CaseEvent>> envelopes) throws Exception {
    for (EventEnvelope<CaseEvent> envelope : envelopes) {
      String persistenceId = envelope.persistenceId();
      long seq = envelope.sequenceNr();
      if (poison.shouldSkip(persistenceId, seq)) {
        log.error("Skipping poison event {}#{} (see read_side_dead_letters)", persistenceId, seq);
        deadLetters.markSkipped(
            connection, persistenceId, seq, slice, poison.attempts(persistenceId, seq));
        continue;
      }
      try {
        readModel.apply(connection, envelope.event(), slice);
      } catch (Exception e) {
        log.warn("Read side could not apply {}#{}: {}", persistenceId, seq, e.toString());
        if (!TransientFailures.isTransient(e)) {
          poison.failed(persistenceId, seq, slice, e);
        }
        throw e;
      }
      if (poison.applied(persistenceId, seq)) {
        deadLetters.resolve(connection, persistenceId, seq);
      }
    }
  }
}
