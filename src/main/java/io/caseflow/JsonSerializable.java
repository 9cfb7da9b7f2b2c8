package io.caseflow;

/**
 * Marker for every message that is persisted or may cross nodes. Bound to Pekko's {@code
 * jackson-json} serializer in {@code application.conf}, so the journal stays human-readable.
 */
public interface JsonSerializable {}
