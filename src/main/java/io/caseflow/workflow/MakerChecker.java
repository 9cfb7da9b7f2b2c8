package io.caseflow.workflow;

import java.util.Set;

/**
 * A four-eyes rule: the user who last performed any of the {@code makers} actions on a case may not
 * perform the {@code checker} action on it.
 */
public record MakerChecker(String checker, Set<String> makers) {

  public MakerChecker {
    makers = Set.copyOf(makers);
  }
}
