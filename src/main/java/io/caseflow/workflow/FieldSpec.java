package io.caseflow.workflow;

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
    ENUM
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
        };
    if (fits) {
      return Optional.empty();
    }
    return Optional.of(
        type == FieldType.ENUM
            ? "must be one of " + String.join(", ", values)
            : "must be a "
                + (type == FieldType.STRING ? "non-blank string" : type.name().toLowerCase()));
  }
}
