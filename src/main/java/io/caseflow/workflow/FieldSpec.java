package io.caseflow.workflow;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A data field a workflow declares: its type, for enumerations the allowed values, and whether its
 * values are personal data (stored encrypted, erasable).
 */
public record FieldSpec(String name, FieldType type, List<String> values, boolean personal) {

  public enum FieldType {
    STRING,
    NUMBER,
    BOOLEAN,
    ENUM,
    /** An ISO-8601 instant in UTC, such as {@code 2026-12-24T17:00:00Z}. */
    INSTANT
  }

  public FieldSpec {
    values = List.copyOf(values);
  }

  /** Why {@code value} does not fit this field, or empty when it does. */
  public Optional<String> problemWith(Object value) {
    boolean fits =
        switch (type) {
          case STRING -> value instanceof String s && !s.isBlank();
          case NUMBER -> value instanceof Number;
          case BOOLEAN -> value instanceof Boolean;
          case ENUM -> value instanceof String s && values.contains(s);
          case INSTANT -> value instanceof String s && isInstant(s);
        };
    if (fits) {
      return Optional.empty();
    }
    return Optional.of(
        switch (type) {
          case ENUM -> "must be one of " + String.join(", ", values);
          case STRING -> "must be a non-blank string";
          case INSTANT -> "must be an ISO-8601 instant such as 2026-12-24T17:00:00Z";
          default -> "must be a " + type.name().toLowerCase();
        });
  }

  /** The instant a value of an instant field names. */
  public static Instant instantOf(Object value) {
    return Instant.parse((String) value);
  }

  private static boolean isInstant(String text) {
    try {
      Instant.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
