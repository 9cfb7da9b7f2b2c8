package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.time.Instant;
import java.util.List;
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

  /**
   * The case explained to a principal: when it entered its state ({@code stateSeq}, {@code
   * stateSince}), what the principal may do now, action by action, and the deadlines running.
   */
  record Explanation(
      CaseView view,
      long stateSeq,
      Instant stateSince,
      List<Verdict> actions,
      List<PendingDeadline> deadlines)
      implements CaseReply {}

  /** One action judged: allowed, or refused with the code and arguments a command would get. */
  record Verdict(String action, boolean allowed, ErrorCode code, Map<String, String> args) {}

  /** A deadline running on the case: its action is taken by the system at {@code dueAt}. */
  record PendingDeadline(String deadline, String action, Instant dueAt) {}

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
