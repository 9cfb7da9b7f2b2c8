package io.caseflow.workflow;

import java.util.Map;
import java.util.Optional;

/**
 * How a case of an older version of the same workflow moves to this one: each of the old version's
 * states mapped to one of this version's. A case in a state without a mapping cannot move.
 */
public record Migration(int fromVersion, Map<String, String> states) {

  public Migration {
    states = Map.copyOf(states);
  }

  /** The state a case in {@code state} of the older version takes in this one. */
  public Optional<String> target(String state) {
    return Optional.ofNullable(states.get(state));
  }
}
