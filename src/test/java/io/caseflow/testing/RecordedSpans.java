package io.caseflow.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * A real OpenTelemetry SDK whose spans are kept in memory as they end, for tests to read back what
 * was traced.
 */
public final class RecordedSpans implements AutoCloseable {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();

  public OpenTelemetry telemetry() {
    return sdk;
  }

  public Tracer tracer() {
    return sdk.getTracer("test");
  }

  /** Every span ended so far, in the order they ended. */
  public List<SpanData> ended() {
    return exporter.getFinishedSpanItems();
  }

  /** The ended spans of that name. */
  public List<SpanData> named(String name) {
    return ended().stream().filter(span -> span.getName().equals(name)).toList();
  }

  /** The one ended span of that name. */
  public SpanData only(String name) {
    List<SpanData> spans = named(name);
    if (spans.size() != 1) {
      throw new AssertionError(
          "expected one span named '"
              + name
              + "', found "
              + spans.size()
              + " among "
              + ended().stream().map(SpanData::getName).toList());
    }
    return spans.get(0);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
