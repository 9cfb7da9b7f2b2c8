package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.time.Instant;
import java.util.Map;

/** A case as clients see it (API.md's case body). */
public record CaseView(
    String id,
    String tenant,
    String workflow,
    int workflowVersion,
    String subject,
    String title,
    String state,
    long version,
    String assignee,
    Map<String, Object> data,
    Instant createdAt,
    Instant updatedAt)
    implements JsonSerializable {}
