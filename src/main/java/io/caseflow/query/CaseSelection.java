package io.caseflow.query;

/**
 * Which of a tenant's cases a bulk operation takes: each part that is not null must match (a
 * workflow, a version of it, a state, an assignee).
 */
public record CaseSelection(String workflow, Integer version, String state, String assignee) {}
