package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a case is now: nothing yet, or an open case. Folding a history yields it (pure). */
public sealed interface CaseState extends JsonSerializable {

  /** How many recent idempotency keys a case remembers. */
  int IDEMPOTENCY_WINDOW = 64;

  CaseState apply(CaseEvent event);

  static CaseState replay(Iterable<? extends CaseEvent> history) {
    CaseState state = new Empty();
    for (CaseEvent event : history) {
      state = state.apply(event);
    }
    return state;
  }

  record Empty() implements CaseState {

    @Override
    public CaseState apply(CaseEvent event) {
      if (event instanceof CaseOpened opened) {
        return Active.openedBy(opened);
      }
      throw new IllegalStateException("A case's history must start with CaseOpened: " + event);
    }
  }

  /** A request already carried out, remembered so that its retry changes nothing. */
  record ProcessedRequest(String key, String fingerprint, long seq) {}

  /**
   * A merge saga's mark on this case: the other case, the state to restore on compensation, and
   * whether the saga was compensated (then a late repeat of its step must not apply again).
   */
  record MergeLink(String sagaId, String otherCaseId, String previousState, boolean reverted) {}

  record Active(
      String caseId,
      String tenant,
      String workflow,
      int workflowVersion,
      String subject,
      String title,
      String state,
      long version,
      String assignee,
      Map<String, Object> data,
      Instant createdAt,
      Instant updatedAt,
      String lastHash,
      Map<String, String> lastPerformers,
      List<ProcessedRequest> recentRequests,
      MergeLink merge,
      Map<String, MergeLink> mergedIn,
      Set<String> revertedMerges)
      implements CaseState {

    /**
     * Tenant, workflow, state and assignee recur across thousands of live cases: interned, each is
     * held once, not once per case.
     */
    public Active {
      tenant = tenant.intern();
      workflow = workflow.intern();
      state = state.intern();
      assignee = assignee == null ? null : assignee.intern();
      data = Map.copyOf(data);
      lastPerformers = Map.copyOf(lastPerformers);
      recentRequests = List.copyOf(recentRequests);
      // absent from snapshots taken before merges existed
      mergedIn = mergedIn == null ? Map.of() : Map.copyOf(mergedIn);
      revertedMerges = revertedMerges == null ? Set.of() : Set.copyOf(revertedMerges);
    }

    static Active openedBy(CaseOpened e) {
      return new Active(
              e.caseId(),
              e.tenant(),
              e.workflow(),
              e.workflowVersion(),
              e.subject(),
              e.title(),
              e.state(),
              0,
              null,
              e.data(),
              e.at(),
              e.at(),
              HashChain.GENESIS,
              Map.of(),
              List.of(),
              null,
              Map.of(),
              Set.of())
          .advancedBy(e, e.state(), null, e.data(), Map.of());
    }

    @Override
    public CaseState apply(CaseEvent event) {
      if (event instanceof ActionPerformed e) {
        Map<String, Object> merged = new HashMap<>(data);
        merged.putAll(e.data());
        Map<String, String> performers = new HashMap<>(lastPerformers);
        performers.put(e.action(), e.actor());
        return advancedBy(e, e.to(), assignee, merged, performers);
      }
      if (event instanceof AssigneeChanged e) {
        return advancedBy(e, state, e.assignee(), data, lastPerformers);
      }
      if (event instanceof CommentAdded e) {
        return advancedBy(e, state, assignee, data, lastPerformers);
      }
      if (event instanceof MergeStepRecorded e) {
        return merged(e);
      }
      throw new IllegalStateException("Case " + caseId + " is already open: " + event);
    }

    /**
     * The case after an event: what the event changes, plus what every event moves (version, update
     * time, chain head, request window).
     */
    private Active advancedBy(
        CaseEvent e,
        String newState,
        String newAssignee,
        Map<String, Object> newData,
        Map<String, String> newPerformers) {
      return advancedBy(
          e, newState, newAssignee, newData, newPerformers, merge, mergedIn, revertedMerges);
    }

    private Active advancedBy(
        CaseEvent e,
        String newState,
        String newAssignee,
        Map<String, Object> newData,
        Map<String, String> newPerformers,
        MergeLink newMerge,
        Map<String, MergeLink> newMergedIn,
        Set<String> newRevertedMerges) {
      List<ProcessedRequest> requests = recentRequests;
      if (e.requestKey() != null) {
        requests = new ArrayList<>(recentRequests);
        requests.add(
            new ProcessedRequest(e.requestKey().key(), e.requestKey().fingerprint(), e.seq()));
        if (requests.size() > IDEMPOTENCY_WINDOW) {
          requests.remove(0);
        }
      }
      return new Active(
          caseId,
          tenant,
          workflow,
          workflowVersion,
          subject,
          title,
          newState,
          e.seq(),
          newAssignee,
          newData,
          createdAt,
          e.at(),
          e.hash(),
          newPerformers,
          requests,
          newMerge,
          newMergedIn,
          newRevertedMerges);
    }

    /** A merge step moves the state and the case's links to merge sagas. */
    private Active merged(MergeStepRecorded e) {
      MergeLink link = merge;
      Map<String, MergeLink> in = new HashMap<>(mergedIn);
      Set<String> reverted = revertedMerges;
      MergeLink made = new MergeLink(e.sagaId(), e.otherCaseId(), e.from(), false);
      MergeLink undone = new MergeLink(e.sagaId(), e.otherCaseId(), e.from(), true);
      switch (MergeStep.fromActionName(e.action())) {
        case START -> link = made;
        case REVERT_START -> {
          link = undone;
          reverted = new HashSet<>(revertedMerges);
          reverted.add(e.sagaId());
        }
        case RECORD_IN_PRIMARY -> in.put(e.sagaId(), made);
        case REVERT_RECORD_IN_PRIMARY -> in.put(e.sagaId(), undone);
        case COMPLETE -> {}
      }
      return advancedBy(e, e.to(), assignee, data, lastPerformers, link, in, reverted);
    }

    /** This saga's mark on the case as its duplicate, if it made the latest one. */
    public Optional<MergeLink> mergeBy(String sagaId) {
      return Optional.ofNullable(merge).filter(link -> link.sagaId().equals(sagaId));
    }

    /** Whether this saga once held the case as its duplicate and was compensated. */
    public boolean mergeReverted(String sagaId) {
      return revertedMerges.contains(sagaId);
    }

    /** This saga's record of a case merged into this one, if it made one. */
    public Optional<MergeLink> mergeInBy(String sagaId) {
      return Optional.ofNullable(mergedIn.get(sagaId));
    }

    public Optional<ProcessedRequest> processed(String idempotencyKey) {
      return recentRequests.stream().filter(r -> r.key().equals(idempotencyKey)).findFirst();
    }

    public CaseView view() {
      return new CaseView(
          caseId,
          tenant,
          workflow,
          workflowVersion,
          subject,
          title,
          state,
          version,
          assignee,
          data,
          createdAt,
          updatedAt,
          MergeStep.MERGING.equals(state) || MergeStep.MERGED.equals(state)
              ? merge.otherCaseId()
              : null);
    }
  }
}
