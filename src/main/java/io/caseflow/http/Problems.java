package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Turns error codes into RFC 9457 {@code application/problem+json} responses. This is the one place
 * that decides which HTTP status a code gets.
 */
final class Problems {

  private static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  /** The code a problem answer carries, for the refusal log (see {@link RefusalRecording}). */
  static final AttributeKey<ErrorCode> CODE =
      AttributeKey.create("caseflow-error-code", ErrorCode.class);

  private final MessageCatalog catalog = new MessageCatalog();
  private final Json json;

  Problems(Json json) {
    this.json = json;
  }

  static StatusCode statusOf(ErrorCode code) {
    return switch (code) {
      case MALFORMED_REQUEST -> StatusCodes.BAD_REQUEST;
      case BODY_TOO_LARGE -> StatusCodes.CONTENT_TOO_LARGE;
      case URI_TOO_LONG -> StatusCodes.URI_TOO_LONG;
      case HEADERS_TOO_LARGE -> StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE;
      case METHOD_NOT_IMPLEMENTED -> StatusCodes.NOT_IMPLEMENTED;
      case HTTP_VERSION_NOT_SUPPORTED -> StatusCodes.HTTPVERSION_NOT_SUPPORTED;
      case UNAUTHENTICATED -> StatusCodes.UNAUTHORIZED;
      case FORBIDDEN, FOUR_EYES_VIOLATION, ORIGIN_NOT_ALLOWED -> StatusCodes.FORBIDDEN;
      case CASE_NOT_FOUND,
          UNKNOWN_WORKFLOW,
          UNKNOWN_ACTION,
          NOT_FOUND,
          WEBHOOK_NOT_FOUND,
          DELIVERY_NOT_FOUND,
          SAGA_NOT_FOUND,
          OPERATION_NOT_FOUND,
          CHECKPOINT_NOT_FOUND,
          CASE_NOT_IN_CHECKPOINT ->
          StatusCodes.NOT_FOUND;
      case METHOD_NOT_ALLOWED -> StatusCodes.METHOD_NOT_ALLOWED;
      case INVALID_TRANSITION,
          DEADLINE_PENDING,
          CASE_ALREADY_EXISTS,
          SUBJECT_ALREADY_OPEN,
          MERGE_REFUSED,
          WORKFLOW_VERSION_RETIRED ->
          StatusCodes.CONFLICT;
      case VERSION_CONFLICT -> StatusCodes.PRECONDITION_FAILED;
      case MISSING_FIELD, INVALID_FIELD, IDEMPOTENCY_KEY_REUSED ->
          StatusCodes.UNPROCESSABLE_CONTENT;
      case RATE_LIMITED -> StatusCodes.TOO_MANY_REQUESTS;
      case UNAVAILABLE, SECRET_KEY_MISSING, AUDIT_KEY_MISSING, AUDIT_EXPORT_AHEAD ->
          StatusCodes.SERVICE_UNAVAILABLE;
      case INTERNAL_ERROR -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }

  /**
   * How long a client should wait before retrying a {@code 503}: storage trouble passes in moments;
   * a key the operator has yet to set does not.
   */
  static String retryAfterSeconds(ErrorCode code) {
    return code == ErrorCode.UNAVAILABLE ? "1" : "60";
  }

  HttpResponse of(ErrorCode code, Map<String, String> args) {
    StatusCode status = statusOf(code);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", catalog.title(code));
    body.put("status", status.intValue());
    body.put("code", code.code());
    body.put("detail", catalog.detail(code, args));
    args.forEach(body::putIfAbsent);
    HttpResponse problem =
        HttpResponse.create()
            .withStatus(status)
            .withEntity(HttpEntities.create(PROBLEM_JSON, json.write(body)))
            .addAttribute(CODE, code);
    return status.equals(StatusCodes.SERVICE_UNAVAILABLE)
        ? problem.addHeader(RawHeader.create("Retry-After", retryAfterSeconds(code)))
        : problem;
  }

  /** {@code 429 rate_limited}, with {@code Retry-After} in whole seconds. */
  HttpResponse rateLimited(RateLimits.Limited limited) {
    String seconds = Long.toString(limited.retryAfterSeconds());
    return of(ErrorCode.RATE_LIMITED, Map.of("what", limited.what(), "retryAfter", seconds))
        .addHeader(RawHeader.create("Retry-After", seconds));
  }

  HttpResponse malformed(String reason) {
    return of(ErrorCode.MALFORMED_REQUEST, Map.of("reason", reason));
  }

  /** {@code 413 body_too_large}: the body is over {@code limit} bytes. */
  HttpResponse bodyTooLarge(long limit) {
    return of(ErrorCode.BODY_TOO_LARGE, Map.of("limit", Long.toString(limit)));
  }
}
