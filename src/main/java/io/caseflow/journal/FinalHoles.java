package io.caseflow.journal;

import com.typesafe.config.Config;
import java.util.Map;

/**
 * Which holes in the journal's ordering the read journal may read past before {@code max-tries ×
 * query-delay}: a hole is an ordering taken by a write that has not committed, either because it is
 * still in flight (it must be waited for, or a live projection skips its event) or because it never
 * will (rolled back, or cut off by a crash: waiting for it only delays every later event). Chosen
 * by {@code Storage} from the database it opened and handed to the read journal in its
 * configuration ({@code final-holes}).
 */
public sealed interface FinalHoles {

  String RULE = "final-holes.rule";
  String THROUGH = "final-holes.through";
  String HOLES = "final-holes.holes";

  /** Every hole is waited for until the upper bound: the plugin's own rule. */
  record WaitedOut() implements FinalHoles {
    @Override
    public Map<String, Object> settings(String pluginPath) {
      return Map.of(pluginPath + "." + RULE, "wait");
    }
  }

  /**
   * The embedded database: written by this process alone, which had written nothing when {@code
   * through} was read, so no ordering at or below it can still appear; {@code holes} of them hold
   * no event.
   */
  record Through(long through, long holes) implements FinalHoles {
    @Override
    public Map<String, Object> settings(String pluginPath) {
      return Map.of(
          pluginPath + "." + RULE,
          "through",
          pluginPath + "." + THROUGH,
          through,
          pluginPath + "." + HOLES,
          holes);
    }
  }

  /**
   * PostgreSQL: a hole is final once every transaction that was in progress when it was seen has
   * ended ({@link RunningTransactions}).
   */
  record AfterTransactions() implements FinalHoles {
    @Override
    public Map<String, Object> settings(String pluginPath) {
      return Map.of(pluginPath + "." + RULE, "transactions");
    }
  }

  /** This rule as settings of the read journal plugin at {@code pluginPath}. */
  Map<String, Object> settings(String pluginPath);

  /** The rule the read journal plugin's configuration names. */
  static FinalHoles of(Config plugin) {
    String rule = plugin.hasPath(RULE) ? plugin.getString(RULE) : "wait";
    return switch (rule) {
      case "wait" -> new WaitedOut();
      case "through" -> new Through(plugin.getLong(THROUGH), plugin.getLong(HOLES));
      case "transactions" -> new AfterTransactions();
      default ->
          throw new IllegalArgumentException(
              RULE + " must be wait, through or transactions, not " + rule);
    };
  }
}
