package io.caseflow;

/**
 * Marker for every message that is persisted or may cross nodes. Bound to {@code
 * io.caseflow.app.WireSerializer} in {@code application.conf}: JSON, so the journal stays
 * human-readable, under the wire name {@code io.caseflow.app.WireTypes} gives each type.
 */
public interface JsonSerializable {}
