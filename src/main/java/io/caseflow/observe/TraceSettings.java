package io.caseflow.observe;

import java.net.URI;
import java.util.Optional;

/**
 * {@code caseflow.traces}: the OTLP/HTTP collector spans go to (none: nothing is traced) and the
 * service name they are reported under.
 */
public record TraceSettings(Optional<URI> otlpEndpoint, String serviceName) {}
