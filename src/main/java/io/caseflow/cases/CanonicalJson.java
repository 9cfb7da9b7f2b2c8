package io.caseflow.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A canonical JSON encoding (keys sorted at every level, instants in ISO-8601) and its SHA-256, so
 * the same content always hashes the same, whichever JVM or serializer produced it.
 */
public final class CanonicalJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();
  private static final TypeReference<TreeMap<String, Object>> FIELDS = new TypeReference<>() {};

  private CanonicalJson() {}

  /** The properties of a record or bean as a sorted, mutable map. */
  static Map<String, Object> fieldsOf(Object value) {
    return MAPPER.convertValue(value, FIELDS);
  }

  /** The canonical JSON text of a value: what the audit trail and the read side store. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  public static Map<String, Object> parseObject(String json) {
    try {
      return MAPPER.readValue(json, FIELDS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not a JSON object: " + json, e);
    }
  }

  /** A value read back from the canonical JSON {@link #toJson} wrote of it. */
  public static <T> T parse(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not a " + type.getSimpleName() + ": " + json, e);
    }
  }

  /** A JSON text as a tree. */
  static JsonNode parseTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not JSON: " + json, e);
    }
  }

  /** A tree read as a value of {@code type}. */
  static <T> T convert(JsonNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not a " + type.getSimpleName() + ": " + tree, e);
    }
  }

  public static String sha256(Map<String, Object> content) {
    try {
      byte[] canonical = MAPPER.writeValueAsString(content).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash " + content.keySet(), e);
    }
  }
}
