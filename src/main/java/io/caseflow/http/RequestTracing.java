package io.caseflow.http;

import io.caseflow.observe.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A server span per request, continuing the trace of the request's W3C {@code traceparent} header
 * when it has a valid one. The span rides on the request (its {@link #SPAN} attribute), so routes
 * can hand it to the commands they send; it ends with the response's headers (a live stream's span
 * does not last as long as the stream).
 */
final class RequestTracing extends AllDirectives {

  static final org.apache.pekko.http.javadsl.model.AttributeKey<Span> SPAN =
      org.apache.pekko.http.javadsl.model.AttributeKey.create("caseflow-span", Span.class);

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");

  private final Tracer tracer;

  RequestTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  Route traced(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          Span span = start(request);
          return mapRequest(
              traced -> traced.addAttribute(SPAN, span),
              () -> mapResponse(response -> ended(span, response), inner));
        });
  }

  private Span start(HttpRequest request) {
    String route = RequestTarget.of(request.getUri().path()).route();
    String method = request.method().name();
    return tracer
        .spanBuilder(method + " " + route)
        .setSpanKind(SpanKind.SERVER)
        .setParent(
            Tracing.parent(request.getHeader("traceparent").map(h -> h.value()).orElse(null)))
        .setAttribute(METHOD, method)
        .setAttribute(ROUTE, route)
        .setAttribute(PATH, request.getUri().path())
        .startSpan();
  }

  private static HttpResponse ended(Span span, HttpResponse response) {
    int status = response.status().intValue();
    span.setAttribute(STATUS, (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
    return response;
  }

  /** The span of the request a route is answering; one that records nothing outside a request. */
  static Span of(HttpRequest request) {
    return request.getAttribute(SPAN).orElseGet(Span::getInvalid);
  }
}
