package io.caseflow.http;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Routes that take commands: they read a JSON request body (strictly, and no larger than the
 * configured limit) and the command headers ({@code Idempotency-Key}, {@code If-Match}).
 */
abstract class JsonBodyDirectives extends AllDirectives {

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Pattern VERSION_TAG = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");

  private final Json json;
  private final long maxBodySize;

  JsonBodyDirectives(Json json, long maxBodySize) {
    this.json = json;
    this.maxBodySize = maxBodySize;
  }

  /** {@code inner} gets null for an empty body that is not {@code required}. */
  <T> Route body(Class<T> type, boolean required, Function<T, Route> inner) {
    return withSizeLimit(
        maxBodySize,
        () ->
            entity(
                Unmarshaller.entityToString(),
                text -> inner.apply(!required && text.isBlank() ? null : json.read(text, type))));
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
