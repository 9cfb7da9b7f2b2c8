package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.util.Map;

/** What a case answers to a command. */
public sealed interface CaseReply extends JsonSerializable {

  /** The command was carried out (or, for {@link CaseCommand.GetCase}, answered). */
  record Accepted(CaseView view) implements CaseReply {}

  /**
   * The command repeats an idempotency key this case already carried out; nothing was written. Its
   * original outcome is the case as of event {@code seq}.
   */
  record Replayed(long seq) implements CaseReply {}

  /** The command was refused; nothing was written. */
  record Rejected(ErrorCode code, Map<String, String> args) implements CaseReply {

    public Rejected {
      args = Map.copyOf(args);
    }

    public static Rejected of(ErrorCode code, String... keyValues) {
      Map<String, String> args = new java.util.LinkedHashMap<>();
      for (int i = 0; i + 1 < keyValues.length; i += 2) {
        args.put(keyValues[i], keyValues[i + 1]);
      }
      return new Rejected(code, args);
    }
  }
}
