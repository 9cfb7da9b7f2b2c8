package io.caseflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.readside.CaseProjection;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RecordedSpans;
import io.caseflow.testing.RunningCaseflow;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Traces of a running node, read from the SDK's in-memory exporter: a command sent with a W3C
 * {@code traceparent} is traced from the HTTP request through the entity and its persist, and the
 * projection batch that applied its event links back to that trace; the trace never enters the hash
 * chain.
 */
class TracingIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";

  @Test
  void aCommandIsTracedFromItsRequestToTheProjectionThatAppliedIt() throws Exception {
    try (RecordedSpans spans = new RecordedSpans();
        RunningCaseflow node = RunningCaseflow.onH2TracedBy(spans.telemetry())) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.openCase("alice", "traced-1", "Traced Ltd", "{\"riskLevel\":\"low\"}");
      Response submitted =
          api.request("POST", "/cases/traced-1/actions/submit", "alice")
              .header("traceparent", TRACEPARENT)
              .body("{}")
              .send();
      assertEquals(200, submitted.status(), submitted::toString);
      api.awaitReadSideIdle();

      SpanData request = spanOf(spans, "POST /cases/{caseId}/actions/{action}");
      assertEquals(SpanKind.SERVER, request.getKind());
      assertEquals(TRACE_ID, request.getTraceId(), "the request continues the client's trace");
      assertEquals(CLIENT_SPAN, request.getParentSpanId());
      assertEquals(
          200L, request.getAttributes().get(AttributeKey.longKey("http.response.status_code")));

      SpanData handling = spanOf(spans, "case PerformAction");
      assertEquals(TRACE_ID, handling.getTraceId());
      assertEquals(
          request.getSpanId(),
          handling.getParentSpanId(),
          "the entity's span is the request's child");
      assertEquals("traced-1", handling.getAttributes().get(Tracing.CASE_ID));
      assertEquals("accepted", handling.getAttributes().get(Tracing.OUTCOME));

      SpanData persist =
          spans.named("journal persist").stream()
              .filter(span -> span.getTraceId().equals(TRACE_ID))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no persist span in the request's trace"));
      assertEquals(handling.getSpanId(), persist.getParentSpanId());

      SpanData batch =
          Eventually.await(
              "a projection batch linked to the request",
              Duration.ofSeconds(10),
              () ->
                  spans.named("projection batch").stream()
                      .filter(span -> linksTo(span, request))
                      .findFirst());
      assertNotEquals(TRACE_ID, batch.getTraceId(), "a batch serves many traces: it links to them");
      assertFalse(batch.getParentSpanContext().isValid());
      assertEquals(CaseProjection.NAME, batch.getAttributes().get(Tracing.PROJECTION));

      Response verified = api.get("/cases/traced-1/history/verify", "alice");
      assertEquals(200, verified.status(), verified::toString);
      assertTrue(verified.json().get("valid").asBoolean(), verified::toString);
      assertFalse(
          api.get("/cases/traced-1/history", "alice").text().contains(TRACE_ID),
          "the trace is metadata: clients' history does not show it");
    }
  }

  @Test
  void aMalformedTraceparentStartsANewTraceAndTheRequestStillSucceeds() throws Exception {
    try (RecordedSpans spans = new RecordedSpans();
        RunningCaseflow node = RunningCaseflow.onH2TracedBy(spans.telemetry())) {
      ApiClient api = new ApiClient(node.baseUrl());
      Response answered =
          api.request("GET", "/workflows", "alice").header("traceparent", "00-not-a-trace").send();
      assertEquals(200, answered.status(), answered::toString);
      SpanData request = spanOf(spans, "GET /workflows");
      assertFalse(request.getParentSpanContext().isValid(), "a root span, not a broken one");
    }
  }

  private static boolean linksTo(SpanData batch, SpanData request) {
    List<LinkData> links = batch.getLinks();
    return links.stream()
        .anyMatch(
            link ->
                link.getSpanContext().getTraceId().equals(request.getTraceId())
                    && link.getSpanContext().getSpanId().equals(request.getSpanId()));
  }

  /** The span ends with the response, which the client may see a moment before. */
  private static SpanData spanOf(RecordedSpans spans, String name) throws Exception {
    Eventually.awaitTrue(
        "the span '" + name + "' ended", Duration.ofSeconds(5), () -> !spans.named(name).isEmpty());
    return spans.only(name);
  }
}
