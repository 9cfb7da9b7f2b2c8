package io.caseflow.saga;

import static io.caseflow.cases.MergeStep.COMPLETE;
import static io.caseflow.cases.MergeStep.RECORD_IN_PRIMARY;
import static io.caseflow.cases.MergeStep.REVERT_RECORD_IN_PRIMARY;
import static io.caseflow.cases.MergeStep.REVERT_START;
import static io.caseflow.cases.MergeStep.START;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
import io.caseflow.saga.MergeSaga.CompensationDone;
import io.caseflow.saga.MergeSaga.Event;
import io.caseflow.saga.MergeSaga.MergeRequested;
import io.caseflow.saga.MergeSaga.State;
import io.caseflow.saga.MergeSaga.Status;
import io.caseflow.saga.MergeSaga.StepDone;
import io.caseflow.saga.MergeSaga.StepRefused;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The merge saga's order of steps and of compensations, without running the saga. */
class MergeSagaStepsTest {

  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  static final MergeSaga.Request REQUEST =
      new MergeSaga.Request(
          "acme", "dup", "primary", new Principal("bob", "acme", Set.of("reviewer")), null);

  @Test
  void stepsRunInOrderUntilAllAreDone() {
    assertEquals(Optional.of(START), MergeSaga.nextStep(List.of()));
    assertEquals(Optional.of(RECORD_IN_PRIMARY), MergeSaga.nextStep(List.of(START)));
    assertEquals(Optional.of(COMPLETE), MergeSaga.nextStep(List.of(START, RECORD_IN_PRIMARY)));
    assertEquals(Optional.empty(), MergeSaga.nextStep(List.of(START, RECORD_IN_PRIMARY, COMPLETE)));
  }

  @Test
  void compensationsUndoTheStepsDoneInReverseOrder() {
    List<MergeStep> done = List.of(START, RECORD_IN_PRIMARY);
    assertEquals(
        Optional.of(REVERT_RECORD_IN_PRIMARY), MergeSaga.nextCompensation(done, List.of()));
    assertEquals(
        Optional.of(REVERT_START),
        MergeSaga.nextCompensation(done, List.of(REVERT_RECORD_IN_PRIMARY)));
    assertEquals(
        Optional.empty(),
        MergeSaga.nextCompensation(done, List.of(REVERT_RECORD_IN_PRIMARY, REVERT_START)));
    assertEquals(Optional.empty(), MergeSaga.nextCompensation(List.of(), List.of()));
  }

  @Test
  void aRefusedStepIsNotUndoneAndItsRefusalIsTyped() {
    State state =
        replay(
            new MergeRequested(REQUEST, AT),
            new StepDone(START, AT),
            new StepRefused(
                RECORD_IN_PRIMARY, "invalid_transition", Map.of("state", "closed"), AT));

    assertEquals(Status.COMPENSATING, state.status());
    assertEquals(List.of(START), state.done());
    assertEquals(RECORD_IN_PRIMARY, state.refusal().step());
    assertEquals(ErrorCode.INVALID_TRANSITION, state.refusal().code());
    assertEquals(Optional.of(REVERT_START), state.next());

    State compensated = state.apply(new CompensationDone(REVERT_START, AT));
    assertEquals(Optional.empty(), compensated.next(), "nothing left: the saga may finish");
  }

  private static State replay(Event... events) {
    State state = State.empty();
    for (Event event : events) {
      state = state.apply(event);
    }
    return state;
  }
}
