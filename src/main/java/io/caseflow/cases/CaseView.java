package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * A case as clients see it (the case body of the HTTP API). {@code mergedInto} names the case a
 * merge saga is merging this one into (state {@code merging}) or merged it into (state {@code
 * merged}); null otherwise.
 */
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
    Instant updatedAt,
    String mergedInto)
    implements JsonSerializable {}
