package io.caseflow.http;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** Routes that read a JSON request body: strictly, and no larger than the configured limit. */
abstract class JsonBodyDirectives extends AllDirectives {

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
}
