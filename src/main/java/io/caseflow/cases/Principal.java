package io.caseflow.cases;

import java.util.Set;

/** Who issues a command: a user of one tenant, with the roles that tenant grants them. */
public record Principal(String userId, String tenant, Set<String> roles) {

  public Principal {
    roles = Set.copyOf(roles);
  }

  public boolean hasAnyRole(Set<String> allowed) {
    return roles.stream().anyMatch(allowed::contains);
  }
}
