package io.caseflow.cases;

/**
 * The client's idempotency key together with a fingerprint of the request it came with. It is
 * persisted inside the event it produced, so a retried request is recognised even after a restart,
 * and the same key sent with a different request is told apart.
 */
public record RequestKey(String key, String fingerprint) {}
