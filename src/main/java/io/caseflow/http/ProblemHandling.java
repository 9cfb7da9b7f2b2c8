package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request a route could not answer, answered as a problem: a malformed request ({@code 400}),
 * a body over the limit ({@code 413}), no such path ({@code 404}) or method ({@code 405}), and
 * anything that failed unexpectedly ({@code 500}, logged). What the server refuses before any route
 * runs is {@link ParsingRefusals}'.
 */
final class ProblemHandling extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);
  private final Problems problems;

  ProblemHandling(Problems problems) {
    this.problems = problems;
  }

  Route answering(Route routes) {
    Route rejectionsAnswered = handleRejections(rejections(), () -> routes);
    return handleExceptions(exceptions(), () -> rejectionsAnswered);
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(MalformedRequestException.class, e -> complete(problems.malformed(e.getMessage())))
        .match(EntityStreamSizeException.class, e -> complete(problems.bodyTooLarge(e.limit())))
        .matchAny(
            e ->
                extractRequest(
                    request -> {
                      Span span = RequestTracing.of(request);
                      span.recordException(e);
                      try (Scope current = span.makeCurrent()) {
                        log.error("Request failed", e);
                      }
                      return complete(problems.of(ErrorCode.INTERNAL_ERROR, Map.of()));
                    }))
        .build();
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            rejection ->
                complete(
                    rejection.getCause() instanceof EntityStreamSizeException tooLarge
                        ? problems.bodyTooLarge(tooLarge.limit())
                        : problems.malformed(rejection.message())))
        .handleAll(
            MethodRejection.class,
            (List<MethodRejection> rejections) ->
                complete(problems.of(ErrorCode.METHOD_NOT_ALLOWED, Map.of())))
        .handle(
            Rejection.class, rejection -> complete(problems.malformed(String.valueOf(rejection))))
        .handleNotFound(complete(problems.of(ErrorCode.NOT_FOUND, Map.of())))
        .build();
  }
}
