package io.caseflow.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The audit trail's settings ({@code caseflow.audit.*}): the key file that signs checkpoints (none:
 * the data directory's own on the embedded default, no checkpoints otherwise), the directory they
 * are exported to (none: the data directory's {@code audit-checkpoints}), how often one is made,
 * and how long a gap in the journal's positions may be a commit still in flight.
 */
public record AuditSettings(
    Optional<Path> signingKey,
    Optional<Path> exportDir,
    Duration checkpointInterval,
    Duration commitGrace) {}
