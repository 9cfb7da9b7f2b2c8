package io.caseflow.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node's tracer, and the W3C {@code traceparent} form in which a span's context travels with a
 * command to its entity (possibly on another node) and with the event to the projection that
 * applies it.
 *
 * <p>Off (OpenTelemetry's no-op: no span is recorded, nothing allocated per request) unless an OTLP
 * endpoint is configured; tests hand in their own SDK with an in-memory exporter.
 */
public final class Tracing implements AutoCloseable {

  /** Instrumentation scope of every Caseflow span. */
  static final String SCOPE = "io.caseflow";

  public static final AttributeKey<String> CASE_ID = AttributeKey.stringKey("caseflow.case_id");
  public static final AttributeKey<String> TENANT = AttributeKey.stringKey("caseflow.tenant");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("caseflow.outcome");
  public static final AttributeKey<String> PROJECTION =
      AttributeKey.stringKey("caseflow.projection");
  public static final AttributeKey<Long> SLICE = AttributeKey.longKey("caseflow.slice");
  public static final AttributeKey<Long> EVENTS = AttributeKey.longKey("caseflow.events");

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final String TRACEPARENT = "traceparent";
  private static final TextMapGetter<String> TRACEPARENT_ONLY =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
          return TRACEPARENT.equals(key) ? carrier : null;
        }
      };

  private final Tracer tracer;
  private final Optional<OpenTelemetrySdk> owned;

  private Tracing(OpenTelemetry telemetry, Optional<OpenTelemetrySdk> owned) {
    this.tracer = telemetry.getTracer(SCOPE);
    this.owned = owned;
  }

  /** Records nothing. */
  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), Optional.empty());
  }

  /** Spans go to {@code telemetry}, which the caller keeps and closes. */
  public static Tracing to(OpenTelemetry telemetry) {
    return new Tracing(telemetry, Optional.empty());
  }

  /** Batches of spans exported over OTLP/HTTP, or {@link #off()} when no endpoint is set. */
  public static Tracing from(TraceSettings settings) {
    if (settings.otlpEndpoint().isEmpty()) {
      return off();
    }
    String endpoint = settings.otlpEndpoint().get().toString().replaceAll("/+$", "");
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(
                        Resource.getDefault()
                            .merge(
                                Resource.create(
                                    Attributes.of(
                                        AttributeKey.stringKey("service.name"),
                                        settings.serviceName()))))
                    .addSpanProcessor(
                        BatchSpanProcessor.builder(
                                OtlpHttpSpanExporter.builder()
                                    .setEndpoint(endpoint + "/v1/traces")
                                    .build())
                            .build())
                    .build())
            .build();
    return new Tracing(sdk, Optional.of(sdk));
  }

  public Tracer tracer() {
    return tracer;
  }

  /**
   * The context a {@code traceparent} names, as a parent for a new span; the root context when it
   * is null or malformed (a bad header starts a new trace, it never fails the request).
   */
  public static Context parent(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    return W3C.extract(Context.root(), traceparent, TRACEPARENT_ONLY);
  }

  /** The span context a {@code traceparent} names, to link to; invalid when there is none. */
  public static SpanContext linkTo(String traceparent) {
    return Span.fromContext(parent(traceparent)).getSpanContext();
  }

  /** The {@code traceparent} of a span, or null for a span that is not recorded (tracing off). */
  public static String traceparent(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3C.inject(Context.root().with(span), carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  /** Sends the spans still buffered, when this node exports them itself. */
  @Override
  public void close() {
    owned.ifPresent(OpenTelemetrySdk::close);
  }
}
