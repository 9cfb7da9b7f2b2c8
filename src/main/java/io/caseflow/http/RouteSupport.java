package io.caseflow.http;

import io.caseflow.cases.CaseId;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every group of routes needs, once: storage work off the HTTP threads with one answer for a
 * failure ({@code 503 unavailable}, retryable), a role guard, the case id from a path, and the
 * parts of a command request (a strict JSON body no larger than the limit, {@code Idempotency-Key}
 * and {@code If-Match}).
 */
abstract class RouteSupport extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(RouteSupport.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;
  private static final Pattern VERSION_TAG = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");

  /**
   * The JSON codec, the problem answers, the pool for blocking work, the body size limit, and what
   * opens the personal values of answers.
   */
  record Context(
      Json json,
      Problems problems,
      Executor blocking,
      long maxBodySize,
      PersonalData.Opener personalData) {}

  protected final Json json;
  protected final Problems problems;
  private final Executor blocking;
  private final long maxBodySize;
  private final PersonalData.Opener personalData;

  RouteSupport(Context context) {
    this.json = context.json();
    this.problems = context.problems();
    this.blocking = context.blocking();
    this.maxBodySize = context.maxBodySize();
    this.personalData = context.personalData();
  }

  /**
   * The JSON answer of {@code value} with every sealed personal value opened, or shown erased:
   * reads keys from the database, so only on the blocking pool.
   */
  HttpResponse revealed(Object value) {
    return json.response(PersonalData.reveal(json.tree(value), personalData));
  }

  /**
   * {@link #revealed}, off the HTTP threads when {@code sealed} says the value holds personal
   * values; at once otherwise.
   */
  CompletionStage<HttpResponse> revealed(Object value, boolean sealed) {
    return sealed
        ? CompletableFuture.supplyAsync(() -> revealed(value), blocking)
        : CompletableFuture.completedFuture(json.response(value));
  }

  /** A JSON text with its personal values opened, off the HTTP threads when it holds any. */
  CompletionStage<String> revealedJson(String json, boolean sealed) {
    return sealed
        ? CompletableFuture.supplyAsync(() -> PersonalData.revealJson(json, personalData), blocking)
        : CompletableFuture.completedFuture(json);
  }

  /** The pool for blocking work (JDBC). */
  Executor blockingPool() {
    return blocking;
  }

  /** Runs blocking work (JDBC) on the blocking pool and answers what it made. */
  Route blocking(Supplier<HttpResponse> work) {
    return answered(CompletableFuture.supplyAsync(work, blocking), Map.of());
  }

  /** A stored or asked-for answer; if it fails, {@code 503 unavailable} with {@code args}. */
  Route answered(CompletionStage<HttpResponse> response, Map<String, String> args) {
    return completeWithFuture(response.exceptionally(error -> unavailable(error, args)));
  }

  /** Goes on with what storage answered, or answers {@code 503 unavailable} when it could not. */
  <T> Route whenStored(CompletionStage<T> answer, Function<T, Route> inner) {
    return onSuccess(
        answer.handle((value, error) -> error == null ? inner.apply(value) : failed(error)),
        route -> route);
  }

  /** Runs {@code work} on the blocking pool and goes on with its result, as {@link #whenStored}. */
  <T> Route whenStored(Supplier<T> work, Function<T, Route> inner) {
    return whenStored(CompletableFuture.supplyAsync(work, blocking), inner);
  }

  /**
   * A request the work found malformed (a bad cursor, say) is the client's; any other failure is
   * storage trouble, logged and answered as retryable.
   */
  HttpResponse unavailable(Throwable error, Map<String, String> args) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof MalformedRequestException malformed) {
      return problems.malformed(malformed.getMessage());
    }
    log.warn("A request could not be answered: {}", cause.toString());
    return problems.of(ErrorCode.UNAVAILABLE, args);
  }

  private Route failed(Throwable error) {
    return complete(unavailable(error, Map.of()));
  }

  /** {@code inner} only for a principal holding one of {@code roles}; {@code 403} otherwise. */
  Route requireAnyRole(
      Principal principal, Set<String> roles, String action, Supplier<Route> inner) {
    if (principal.hasAnyRole(roles)) {
      return inner.get();
    }
    return complete(
        problems.of(
            ErrorCode.FORBIDDEN,
            Map.of("action", action, "roles", String.join(", ", new TreeSet<>(roles)))));
  }

  /** The principal's tenant's case named by a path segment; a malformed id names no case. */
  Route caseId(Principal principal, String id, Function<CaseId, Route> inner) {
    if (!CaseId.isValid(id)) {
      return complete(problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", id)));
    }
    return inner.apply(new CaseId(principal.tenant(), id));
  }

  /** {@code inner} gets a page's size ({@code limit}) and the cursor it starts at, if any. */
  Route paged(BiFunction<Integer, Optional<String>, Route> inner) {
    return parameterOptional(
        "limit",
        limit -> parameterOptional("cursor", cursor -> inner.apply(limitOf(limit), cursor)));
  }

  /** A page's size: the {@code limit} parameter, 1 to 200, 50 when absent. */
  static int limitOf(Optional<String> limit) {
    if (limit.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(limit.get());
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new MalformedRequestException(
        "limit must be a whole number from 1 to " + MAX_LIMIT + ".");
  }

  /**
   * {@code inner} gets the JSON body as {@code type}, null for an empty body that is not {@code
   * required}; a body over the limit is {@code 413 body_too_large}.
   */
  <T> Route body(Class<T> type, boolean required, Function<T, Route> inner) {
    return extractRequestEntity(
        entity ->
            extractMaterializer(
                materializer ->
                    onSuccess(
                        BoundedBody.read(entity, maxBodySize, materializer),
                        body ->
                            body.map(
                                    bytes ->
                                        inner.apply(json.read(bytes.toArray(), type, required)))
                                .orElseGet(() -> complete(problems.bodyTooLarge(maxBodySize))))));
  }

  /** {@code inner} gets the idempotency key and the expected version, each null when absent. */
  Route commandHeaders(BiFunction<String, Long, Route> inner) {
    return optionalHeaderValueByName(
        "Idempotency-Key",
        key ->
            optionalHeaderValueByName(
                "If-Match", ifMatch -> inner.apply(idempotencyKey(key), expectedVersion(ifMatch))));
  }

  private static String idempotencyKey(Optional<String> header) {
    if (header.isEmpty()) {
      return null;
    }
    if (!IDEMPOTENCY_KEY.matcher(header.get()).matches()) {
      throw new MalformedRequestException(
          "Idempotency-Key must be 1 to 255 visible ASCII characters.");
    }
    return header.get();
  }

  private static Long expectedVersion(Optional<String> header) {
    if (header.isEmpty() || header.get().trim().equals("*")) {
      return null;
    }
    Matcher version = VERSION_TAG.matcher(header.get().trim());
    if (!version.matches()) {
      throw new MalformedRequestException(
          "If-Match must carry one case version as an entity tag, such as \"3\".");
    }
    return Long.parseLong(version.group(1));
  }
}
