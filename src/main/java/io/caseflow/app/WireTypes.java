package io.caseflow.app;

import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEventMigration;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseView;
import io.caseflow.saga.BulkOperation;
import io.caseflow.saga.MergeSaga;
import io.caseflow.saga.SubjectClaim;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The wire name of every message Caseflow persists or sends between nodes: the manifest {@link
 * WireSerializer} writes beside its JSON, so a class may be renamed or moved freely while the
 * journals and the nodes of other releases keep reading it. A name, once released, never changes
 * and is never given to another type; a type of a new shape gets a migration (its version is the
 * manifest's {@code #N}). {@code WireSamplesTest} reads the committed samples of every release.
 */
public final class WireTypes {

  /** One type's name on the wire, and how its older (or newer) shapes are read, if it has any. */
  public record WireType(String name, Class<?> type, Optional<JacksonMigration> migration) {

    /** The shape written today: the migration's current version, 1 without one. */
    public int version() {
      return migration.map(JacksonMigration::currentVersion).orElse(1);
    }

    String manifest() {
      return name + '#' + version();
    }
  }

  private static final JacksonMigration CASE_EVENTS = new CaseEventMigration();

  private static final List<WireType> ALL =
      List.of(
          // the case: events (its journal), snapshots, commands and replies
          migrated("case.event.opened", CaseEvent.CaseOpened.class, CASE_EVENTS),
          migrated("case.event.action-performed", CaseEvent.ActionPerformed.class, CASE_EVENTS),
          migrated("case.event.assignee-changed", CaseEvent.AssigneeChanged.class, CASE_EVENTS),
          migrated("case.event.comment-added", CaseEvent.CommentAdded.class, CASE_EVENTS),
          migrated(
              "case.event.merge-step-recorded", CaseEvent.MergeStepRecorded.class, CASE_EVENTS),
          migrated("case.event.workflow-migrated", CaseEvent.WorkflowMigrated.class, CASE_EVENTS),
          plain("case.state.empty", CaseState.Empty.class),
          plain("case.state.active", CaseState.Active.class),
          plain("case.command.open", CaseCommand.OpenCase.class),
          plain("case.command.perform-action", CaseCommand.PerformAction.class),
          plain("case.command.assign", CaseCommand.Assign.class),
          plain("case.command.add-comment", CaseCommand.AddComment.class),
          plain("case.command.migrate-workflow", CaseCommand.MigrateWorkflow.class),
          plain("case.command.get", CaseCommand.GetCase.class),
          plain("case.command.explain", CaseCommand.Explain.class),
          plain("case.command.fire-deadline", CaseCommand.FireDeadline.class),
          plain("case.command.apply-merge-step", CaseCommand.ApplyMergeStep.class),
          plain("case.reply.accepted", CaseReply.Accepted.class),
          plain("case.reply.replayed", CaseReply.Replayed.class),
          plain("case.reply.explanation", CaseReply.Explanation.class),
          plain("case.reply.rejected", CaseReply.Rejected.class),
          plain("case.view", CaseView.class),
          // the subject claim (uniqueness across cases)
          plain("claim.command.open", SubjectClaim.Open.class),
          plain("claim.command.resume", SubjectClaim.Resume.class),
          plain("claim.event.claimed", SubjectClaim.Claimed.class),
          plain("claim.event.confirmed", SubjectClaim.Confirmed.class),
          plain("claim.event.released", SubjectClaim.Released.class),
          plain("claim.state.free", SubjectClaim.Free.class),
          plain("claim.state.pending", SubjectClaim.Pending.class),
          plain("claim.state.held", SubjectClaim.Held.class),
          // the merge saga
          plain("merge.command.start", MergeSaga.Start.class),
          plain("merge.command.get", MergeSaga.Get.class),
          plain("merge.command.resume", MergeSaga.Resume.class),
          plain("merge.reply.found", MergeSaga.Found.class),
          plain("merge.event.requested", MergeSaga.MergeRequested.class),
          plain("merge.event.step-done", MergeSaga.StepDone.class),
          plain("merge.event.step-refused", MergeSaga.StepRefused.class),
          plain("merge.event.compensation-done", MergeSaga.CompensationDone.class),
          plain("merge.event.finished", MergeSaga.Finished.class),
          plain("merge.view", MergeSaga.View.class),
          plain("merge.state", MergeSaga.State.class),
          // bulk operations (workflow migrations and bulk actions)
          plain("bulk.request", BulkOperation.Request.class),
          plain("bulk.failure", BulkOperation.Failure.class),
          plain("bulk.command.start", BulkOperation.Start.class),
          plain("bulk.command.get", BulkOperation.Get.class),
          plain("bulk.command.cancel", BulkOperation.Cancel.class),
          plain("bulk.command.resume", BulkOperation.Resume.class),
          plain("bulk.reply.found", BulkOperation.Found.class),
          plain("bulk.event.started", BulkOperation.Started.class),
          plain("bulk.event.page-taken", BulkOperation.PageTaken.class),
          plain("bulk.event.progressed", BulkOperation.Progressed.class),
          plain("bulk.event.cancel-requested", BulkOperation.CancelRequested.class),
          plain("bulk.event.finished", BulkOperation.Finished.class),
          plain("bulk.view", BulkOperation.View.class),
          plain("bulk.state", BulkOperation.State.class));

  private static final Map<String, WireType> BY_NAME = index();

  private static final ClassValue<Optional<WireType>> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected Optional<WireType> computeValue(Class<?> type) {
          return ALL.stream().filter(wire -> wire.type() == type).findFirst();
        }
      };

  private WireTypes() {}

  public static List<WireType> all() {
    return ALL;
  }

  /** The type a manifest names ({@code case.event.opened#2}), if any does. */
  public static Optional<WireType> named(String manifest) {
    int version = manifest.lastIndexOf('#');
    return Optional.ofNullable(
        BY_NAME.get(version < 0 ? manifest : manifest.substring(0, version)));
  }

  /** The wire type of a class, if it has one. */
  public static Optional<WireType> of(Class<?> type) {
    return BY_CLASS.get(type);
  }

  private static WireType plain(String name, Class<?> type) {
    return new WireType(name, type, Optional.empty());
  }

  private static WireType migrated(String name, Class<?> type, JacksonMigration migration) {
    return new WireType(name, type, Optional.of(migration));
  }

  private static Map<String, WireType> index() {
    Map<String, WireType> byName = new HashMap<>();
    Set<Class<?>> named = new HashSet<>();
    for (WireType wire : ALL) {
      if (byName.put(wire.name(), wire) != null) {
        throw new IllegalStateException("two types have the wire name " + wire.name());
      }
      if (!named.add(wire.type())) {
        throw new IllegalStateException(wire.type().getName() + " has two wire names");
      }
    }
    return Map.copyOf(byName);
  }
}
