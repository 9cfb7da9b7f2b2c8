package io.caseflow.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A query parameter that names an instant ({@code asOf}, {@code since}). */
final class InstantParameter {

  private InstantParameter() {}

  /**
   * @throws MalformedRequestException when the value is not an ISO-8601 instant
   */
  static Instant parse(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new MalformedRequestException(
          name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, was '" + value + "'");
    }
  }
}
