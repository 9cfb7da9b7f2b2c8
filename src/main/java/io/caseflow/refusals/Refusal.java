package io.caseflow.refusals;

import java.time.Instant;

/**
 * One refused request, as the refusal log keeps it: who (the principal, or for a refused token the
 * subject and tenant it claims, marked unverified), from where, what was asked and the error code
 * it got. Never a token, a body or a message.
 *
 * @param tenant the principal's tenant, the tenant a refused token claims, or null
 * @param actor the principal's user id, the subject a refused token claims, or null
 * @param actorVerified whether {@code tenant} and {@code actor} come from a verified token
 * @param route the route template ({@code /cases/{caseId}/actions/{action}}), not the raw path
 */
public record Refusal(
    Instant at,
    String tenant,
    String actor,
    boolean actorVerified,
    String sourceAddress,
    String method,
    String route,
    String caseId,
    String action,
    String code) {

  public Refusal {
    tenant = clip(tenant, 64);
    actor = clip(actor, 200);
    sourceAddress = clip(sourceAddress, 64);
    method = clip(method, 16);
    route = clip(route, 200);
    caseId = clip(caseId, 64);
    action = clip(action, 64);
  }

  /** This refusal at a fixed time: refusals alike in all but their time share it, and one row. */
  Refusal kind() {
    return new Refusal(
        Instant.EPOCH,
        tenant,
        actor,
        actorVerified,
        sourceAddress,
        method,
        route,
        caseId,
        action,
        code);
  }

  /** Values from a refused request are the requester's to choose: their length is bounded here. */
  private static String clip(String value, int length) {
    return value == null || value.length() <= length ? value : value.substring(0, length);
  }
}
