package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import java.util.Map;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answers to requests the HTTP server refuses before any route sees them: a URI or headers over
 * their limits, a malformed request target (a bad percent-encoding, say), an unknown method or
 * protocol version, a body over the server's own limit that no route read. pekko-http answers those
 * in plain text unless {@code pekko.http.server.parsing.error-handler} names a handler; this one
 * makes them problems with a catalogued code, like every other refusal. pekko-http creates it by
 * reflection, so it holds its own catalogue.
 */
public final class ParsingRefusals extends ParsingErrorHandler {

  /** Only writes: the depth limit is for reading request bodies. */
  private final Problems problems = new Problems(new Json(1));

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    log.debug("Refused a request the server could not take ({}): {}", status, error.summary());
    ErrorCode code = codeOf(status.intValue());
    Map<String, String> args =
        switch (code) {
          case URI_TOO_LONG ->
              Map.of("limit", Integer.toString(settings.parserSettings().maxUriLength()));
          case BODY_TOO_LARGE ->
              Map.of("limit", Long.toString(settings.parserSettings().maxContentLength()));
          case MALFORMED_REQUEST, HEADERS_TOO_LARGE -> Map.of("reason", error.summary());
          default -> Map.of();
        };
    return HttpApi.withAnswerHeaders(problems.of(code, args));
  }

  /** The code of a status pekko-http refuses with; any other is the client's malformed request. */
  static ErrorCode codeOf(int status) {
    return switch (status) {
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 414 -> ErrorCode.URI_TOO_LONG;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      case 501 -> ErrorCode.METHOD_NOT_IMPLEMENTED;
      case 505 -> ErrorCode.HTTP_VERSION_NOT_SUPPORTED;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
    };
  }
}
