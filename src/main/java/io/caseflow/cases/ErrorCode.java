package io.caseflow.cases;

/**
 * Stable, machine-readable error codes. Clients and tests depend on {@link #code()}; the human text
 * lives in the message catalog and may change freely.
 */
public enum ErrorCode {
  MALFORMED_REQUEST,
  BODY_TOO_LARGE,
  URI_TOO_LONG,
  HEADERS_TOO_LARGE,
  METHOD_NOT_IMPLEMENTED,
  HTTP_VERSION_NOT_SUPPORTED,
  UNAUTHENTICATED,
  FORBIDDEN,
  FOUR_EYES_VIOLATION,
  ORIGIN_NOT_ALLOWED,
  CASE_NOT_FOUND,
  UNKNOWN_WORKFLOW,
  UNKNOWN_ACTION,
  NOT_FOUND,
  WEBHOOK_NOT_FOUND,
  DELIVERY_NOT_FOUND,
  METHOD_NOT_ALLOWED,
  INVALID_TRANSITION,
  DEADLINE_PENDING,
  CASE_ALREADY_EXISTS,
  SUBJECT_ALREADY_OPEN,
  MERGE_REFUSED,
  WORKFLOW_VERSION_RETIRED,
  SAGA_NOT_FOUND,
  OPERATION_NOT_FOUND,
  CHECKPOINT_NOT_FOUND,
  CASE_NOT_IN_CHECKPOINT,
  IDEMPOTENCY_KEY_REUSED,
  VERSION_CONFLICT,
  MISSING_FIELD,
  INVALID_FIELD,
  RATE_LIMITED,
  UNAVAILABLE,
  SECRET_KEY_MISSING,
  AUDIT_KEY_MISSING,
  AUDIT_EXPORT_AHEAD,
  INTERNAL_ERROR;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The error code {@link #code()} spells so.
   *
   * @throws IllegalArgumentException for a spelling that is none
   */
  public static ErrorCode ofCode(String code) {
    return valueOf(code.toUpperCase(java.util.Locale.ROOT));
  }
}
