package io.caseflow.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * JSON in and out of the HTTP API. Reading is strict: a body that is not UTF-8 (RFC 8259 allows no
 * other encoding, and a lenient decoder would store U+FFFD in place of the bad bytes), a key twice
 * in one object (which one would count is up to each parser), unknown fields, wrong types (no quiet
 * coercion of 5 into "5"), trailing content and deep nesting are all malformed requests.
 */
final class Json {

  private final ObjectMapper mapper;

  Json(int maxDepth) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    mapper =
        JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
  }

  /**
   * A request body as {@code type}, or null for an empty body that is not {@code required}.
   *
   * @throws MalformedRequestException for any body this API does not take
   */
  <T> T read(byte[] body, Class<T> type, boolean required) {
    String text = utf8(body);
    return !required && text.isBlank() ? null : read(text, type);
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedRequestException("The request body is not valid UTF-8.");
    }
  }

  <T> T read(String body, Class<T> type) {
    if (body.isBlank()) {
      throw new MalformedRequestException("The request needs a JSON body.");
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw new MalformedRequestException("The request body must be a JSON object.");
      }
      return value;
    } catch (MismatchedInputException e) {
      String path = e.getPath().isEmpty() ? "" : " at '" + fieldPath(e) + "'";
      throw new MalformedRequestException(
          "The request body does not fit" + path + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new MalformedRequestException(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The value as a JSON tree, as {@link #response} would write it. */
  JsonNode tree(Object value) {
    return mapper.valueToTree(value);
  }

  /** A 200 response with {@code value} as its JSON body. */
  HttpResponse response(Object value) {
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, write(value));
  }

  byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  private static String fieldPath(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
      } else {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
