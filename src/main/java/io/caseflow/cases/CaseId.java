package io.caseflow.cases;

import java.util.regex.Pattern;

/**
 * Names a case within its tenant. Cases live in per-tenant namespaces: the sharded entity id, and
 * therefore the persistence id, carries the tenant, so two tenants can never reach or even detect
 * each other's cases.
 */
public record CaseId(String tenant, String id) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String SEPARATOR = ":";

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public String entityId() {
    return tenant + SEPARATOR + id;
  }

  public static CaseId fromEntityId(String entityId) {
    int at = entityId.indexOf(SEPARATOR);
    return new CaseId(entityId.substring(0, at), entityId.substring(at + 1));
  }
}
