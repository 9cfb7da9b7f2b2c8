package io.caseflow.workflow;

/**
 * A case's own due date: the instant in its data field {@code field}; once it passes, the system
 * performs {@code action} (actor {@code system:deadline}) if the case's state still allows it.
 */
public record DueDate(String field, String action) {

  public static final String KEY = "due";
}
