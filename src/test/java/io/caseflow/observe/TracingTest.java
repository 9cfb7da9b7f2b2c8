package io.caseflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.TraceCollector;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @Test
  void withoutAnEndpointNothingIsRecorded() {
    try (Tracing tracing = Tracing.from(new TraceSettings(Optional.empty(), "caseflow"))) {
      Span span = tracing.tracer().spanBuilder("request").startSpan();
      span.end();

      assertFalse(span.isRecording());
      assertNull(Tracing.traceparent(span), "an unrecorded span has no traceparent to pass on");
    }
  }

  @Test
  void withAnEndpointSpansAreExportedOverOtlpAndContinueTheTraceTheyAreGiven() throws Exception {
    try (TraceCollector collector = new TraceCollector()) {
      String passedOn;
      TraceSettings settings =
          new TraceSettings(Optional.of(URI.create(collector.endpoint() + "/")), "caseflow-test");
      try (Tracing tracing = Tracing.from(settings)) {
        Span span =
            tracing
                .tracer()
                .spanBuilder("request")
                .setParent(Tracing.parent(TRACEPARENT))
                .startSpan();
        span.end();
        passedOn = Tracing.traceparent(span);
      }

      assertTrue(passedOn.startsWith("00-" + TRACE_ID + "-"), () -> passedOn);
      assertFalse(passedOn.contains("00f067aa0ba902b7"), "names the new span, not its parent");
      TraceCollector.Export export =
          collector.awaitExport(sent -> sent.carriesTrace(TRACE_ID), Duration.ofSeconds(30));
      assertEquals("/v1/traces", export.path(), "one slash, however the endpoint ends");
      assertEquals("application/x-protobuf", export.contentType());
      assertTrue(export.mentions("caseflow-test"), "reported under the service name");
    }
  }

  @Test
  void aMalformedOrMissingTraceparentStartsNoTrace() {
    for (String traceparent :
        new String[] {
          null,
          "",
          "not-a-traceparent",
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
        }) {
      SpanContext linked = Tracing.linkTo(traceparent);
      assertFalse(linked.isValid(), () -> "linked to " + traceparent);
    }
    assertTrue(Tracing.linkTo(TRACEPARENT).isValid());
    assertTrue(Tracing.linkTo(TRACEPARENT).isRemote());
  }
}
