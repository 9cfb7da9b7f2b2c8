package io.caseflow.cases;

import java.util.Set;

/** The demo principals of the default configuration, as entity tests use them. */
final class TestPrincipals {

  static final Principal ALICE = new Principal("alice", "acme", Set.of("analyst"));
  static final Principal BOB = new Principal("bob", "acme", Set.of("reviewer"));
  static final Principal ERIN = new Principal("erin", "acme", Set.of("analyst", "reviewer"));
  static final Principal CAROL = new Principal("carol", "acme", Set.of("admin"));
  static final Principal DAVE = new Principal("dave", "globex", Set.of("analyst", "reviewer"));

  private TestPrincipals() {}
}
