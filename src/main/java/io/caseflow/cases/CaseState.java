package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
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
      Set<String> revertedMerges,
      long stateSeq,
      Instant stateSince)
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
      // absent from snapshots taken before deadlines existed: the state is as old as the update
      stateSince = stateSince == null ? updatedAt : stateSince;
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
              Set.of(),
              1,
              e.at())
          .after(e)
          .done();
    }

    @Override
    public CaseState apply(CaseEvent event) {
      if (event instanceof ActionPerformed e) {
        Map<String, Object> merged = new HashMap<>(data);
        merged.putAll(e.data());
        Map<String, String> performers = new HashMap<>(lastPerformers);
        performers.put(e.action(), e.actor());
        return after(e).inState(e.to()).withData(merged).withPerformers(performers).done();
      }
      if (event instanceof AssigneeChanged e) {
        return after(e).assignedTo(e.assignee()).done();
      }
      if (event instanceof CommentAdded e) {
        return after(e).done();
      }
      if (event instanceof MergeStepRecorded e) {
        return merged(e);
      }
      if (event instanceof WorkflowMigrated e) {
        return after(e).inState(e.to()).inWorkflowVersion(e.toVersion()).done();
      }
      throw new IllegalStateException("Case " + caseId + " is already open: " + event);
    }

    /** The case after {@code event}: what every event moves, and what this one changes. */
    private Next after(CaseEvent event) {
      return new Next(this, event);
    }

    /** A merge step moves the state and the case's links to merge sagas. */
    private Active merged(MergeStepRecorded e) {
      Next next = after(e).inState(e.to());
      MergeLink made = new MergeLink(e.sagaId(), e.otherCaseId(), e.from(), false);
      MergeLink undone = new MergeLink(e.sagaId(), e.otherCaseId(), e.from(), true);
      switch (MergeStep.fromActionName(e.action())) {
        case START -> next.merge = made;
        case REVERT_START -> {
          next.merge = undone;
          next.revertedMerges = new HashSet<>(revertedMerges);
          next.revertedMerges.add(e.sagaId());
        }
        case RECORD_IN_PRIMARY -> next.mergedIn = withLink(e.sagaId(), made);
        case REVERT_RECORD_IN_PRIMARY -> next.mergedIn = withLink(e.sagaId(), undone);
        case COMPLETE -> {}
      }
      return next.done();
    }

    private Map<String, MergeLink> withLink(String sagaId, MergeLink link) {
      Map<String, MergeLink> in = new HashMap<>(mergedIn);
      in.put(sagaId, link);
      return in;
    }

    /**
     * The next case, built from this one: an event's own changes are named ({@link #inState},
     * {@link #assignedTo}, …); {@link #done} adds what every event moves (version, update time,
     * chain head, request window).
     */
    private static final class Next {

      private final Active from;
      private final CaseEvent event;
      private int workflowVersion;
      private String state;
      private String assignee;
      private Map<String, Object> data;
      private Map<String, String> performers;
      private MergeLink merge;
      private Map<String, MergeLink> mergedIn;
      private Set<String> revertedMerges;
      private long stateSeq;
      private Instant stateSince;

      Next(Active from, CaseEvent event) {
        this.from = from;
        this.event = event;
        this.workflowVersion = from.workflowVersion;
        this.state = from.state;
        this.assignee = from.assignee;
        this.data = from.data;
        this.performers = from.lastPerformers;
        this.merge = from.merge;
        this.mergedIn = from.mergedIn;
        this.revertedMerges = from.revertedMerges;
        this.stateSeq = from.stateSeq;
        this.stateSince = from.stateSince;
      }

      /**
       * The case moves to {@code newState} with this event; it enters it (and its deadlines start)
       * only when it was elsewhere: an action that leaves it where it was starts no clock anew.
       */
      Next inState(String newState) {
        if (!newState.equals(state)) {
          stateSeq = event.seq();
          stateSince = event.at();
        }
        state = newState;
        return this;
      }

      Next inWorkflowVersion(int newVersion) {
        workflowVersion = newVersion;
        return this;
      }

      Next assignedTo(String newAssignee) {
        assignee = newAssignee;
        return this;
      }

      Next withData(Map<String, Object> newData) {
        data = newData;
        return this;
      }

      Next withPerformers(Map<String, String> newPerformers) {
        performers = newPerformers;
        return this;
      }

      Active done() {
        List<ProcessedRequest> requests = from.recentRequests;
        RequestKey key = event.requestKey();
        if (key != null) {
          requests = new ArrayList<>(from.recentRequests);
          requests.add(new ProcessedRequest(key.key(), key.fingerprint(), event.seq()));
          if (requests.size() > IDEMPOTENCY_WINDOW) {
            requests.remove(0);
          }
        }
        return new Active(
            from.caseId,
            from.tenant,
            from.workflow,
            workflowVersion,
            from.subject,
            from.title,
            state,
            event.seq(),
            assignee,
            data,
            from.createdAt,
            event.at(),
            event.hash(),
            performers,
            requests,
            merge,
            mergedIn,
            revertedMerges,
            stateSeq,
            stateSince);
      }
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
