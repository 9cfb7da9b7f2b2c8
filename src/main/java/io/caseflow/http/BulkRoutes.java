package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.CaseSelection;
import io.caseflow.saga.BulkOperation;
import io.caseflow.saga.BulkOperation.Kind;
import io.caseflow.saga.Sagas;
import io.caseflow.workflow.Migration;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Bulk operations on a tenant's cases, for its admin: {@code /admin/migrations} moves every case of
 * one version of a workflow to a newer one (after a dry run that says what would move and what
 * cannot), {@code /admin/bulk/reassign} reassigns the cases a selection finds. Both run as a {@link
 * BulkOperation}; its progress is at {@code /admin/migrations/{id}} (migrations) and {@code
 * /admin/bulk/{id}} (any), also as server-sent events, and it can be cancelled.
 */
final class BulkRoutes extends RouteSupport {

  private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);

  private final String adminRole;
  private final Sagas sagas;
  private final CaseQueries queries;
  private final WorkflowRegistry workflows;

  BulkRoutes(
      String adminRole,
      Sagas sagas,
      CaseQueries queries,
      WorkflowRegistry workflows,
      Context context) {
    super(context);
    this.adminRole = adminRole;
    this.sagas = sagas;
    this.queries = queries;
    this.workflows = workflows;
  }

  /** Under {@code /admin}, ahead of the operators' routes. */
  Route routes(Principal principal) {
    return concat(
        pathPrefix(
            "migrations",
            () ->
                admin(
                    principal,
                    () ->
                        concat(
                            pathEnd(
                                () ->
                                    starting(
                                        RequestBodies.Migration.class,
                                        (key, migration) -> migrate(principal, key, migration))),
                            operation(principal, Optional.of(Kind.MIGRATION))))),
        pathPrefix(
            "bulk",
            () ->
                admin(
                    principal,
                    () ->
                        concat(
                            path(
                                "reassign",
                                () ->
                                    starting(
                                        RequestBodies.Reassignment.class,
                                        (key, reassignment) ->
                                            reassign(principal, key, reassignment))),
                            operation(principal, Optional.empty())))));
  }

  /** A {@code POST} that starts an operation: its body, and its {@code Idempotency-Key} if any. */
  private <T> Route starting(Class<T> type, BiFunction<Optional<String>, T, Route> start) {
    return post(
        () ->
            commandHeaders(
                (key, version) ->
                    body(type, true, request -> start.apply(Optional.ofNullable(key), request))));
  }

  private Route admin(Principal principal, Supplier<Route> inner) {
    return requireAnyRole(principal, Set.of(adminRole), "run bulk operations", inner);
  }

  /** {@code /{id}}, {@code /{id}/events}, {@code /{id}/cancel} of an operation of this kind. */
  private Route operation(Principal principal, Optional<Kind> kind) {
    return pathPrefix(
        PathMatchers.segment(),
        id ->
            concat(
                pathEnd(() -> get(() -> found(principal, id, kind, sagas.findBulk(id)))),
                path("cancel", () -> post(() -> found(principal, id, kind, sagas.cancelBulk(id)))),
                path("events", () -> get(() -> progress(principal, id, kind)))));
  }

  /**
   * The dry run says, state by state, what would move where and what cannot; the real run starts
   * the operation.
   */
  private Route migrate(
      Principal principal, Optional<String> key, RequestBodies.Migration migration) {
    if (migration.workflow() == null) {
      return complete(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "workflow")));
    }
    Optional<Workflow> target =
        migration.toVersion() == null
            ? Optional.empty()
            : workflows.version(migration.workflow(), migration.toVersion());
    if (target.isEmpty()) {
      return complete(
          problems.of(
              ErrorCode.UNKNOWN_WORKFLOW,
              Map.of("workflow", migration.workflow() + " v" + migration.toVersion())));
    }
    Optional<Migration> declared =
        migration.fromVersion() == null
            ? Optional.empty()
            : target.get().migrationFrom(migration.fromVersion());
    if (declared.isEmpty()) {
      return complete(
          problems.of(
              ErrorCode.INVALID_FIELD,
              Map.of(
                  "field",
                  "fromVersion",
                  "reason",
                  "names no version that version " + migration.toVersion() + " migrates from")));
    }
    CaseSelection selection =
        new CaseSelection(migration.workflow(), migration.fromVersion(), null, null);
    if (Boolean.TRUE.equals(migration.dryRun())) {
      return blocking(() -> json.response(dryRun(principal, migration, selection, declared.get())));
    }
    return started(
        principal,
        key,
        "migrations",
        new BulkOperation.Request(
            Kind.MIGRATION, principal.tenant(), principal, selection, migration.toVersion(), null));
  }

  private Route reassign(
      Principal principal, Optional<String> key, RequestBodies.Reassignment reassignment) {
    if (reassignment.assignee() == null || reassignment.assignee().isBlank()) {
      return complete(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "assignee")));
    }
    RequestBodies.Selection filter =
        reassignment.filter() == null
            ? new RequestBodies.Selection(null, null, null, null)
            : reassignment.filter();
    return started(
        principal,
        key,
        "bulk",
        new BulkOperation.Request(
            Kind.REASSIGNMENT,
            principal.tenant(),
            principal,
            new CaseSelection(
                filter.workflow(), filter.workflowVersion(), filter.state(), filter.assignee()),
            null,
            reassignment.assignee()));
  }

  /** Starts the operation (a retried request with the same key finds the same one). */
  private Route started(
      Principal principal, Optional<String> key, String path, BulkOperation.Request request) {
    String id =
        key.map(
                idempotencyKey ->
                    UUID.nameUUIDFromBytes(
                            (principal.tenant() + "\n" + path + "\n" + idempotencyKey)
                                .getBytes(StandardCharsets.UTF_8))
                        .toString())
            .orElseGet(() -> UUID.randomUUID().toString());
    return answered(
        sagas
            .startBulk(id, request)
            .thenApply(
                view ->
                    json.response(view)
                        .withStatus(StatusCodes.ACCEPTED)
                        .addHeader(HttpHeader.parse("Location", "/admin/" + path + "/" + id))),
        Map.of());
  }

  private Map<String, Object> dryRun(
      Principal principal,
      RequestBodies.Migration migration,
      CaseSelection selection,
      Migration declared) {
    Map<String, Long> counts;
    try {
      counts = queries.countsByState(principal.tenant(), selection);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
    List<Map<String, Object>> moves = new ArrayList<>();
    List<Map<String, Object>> stays = new ArrayList<>();
    counts.forEach(
        (state, cases) -> {
          Optional<String> to = declared.target(state);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("from", state);
          if (to.isPresent()) {
            row.put("to", to.get());
            row.put("cases", cases);
            moves.add(row);
          } else {
            row.put("cases", cases);
            row.put("reason", "version " + migration.toVersion() + " maps no state to it");
            stays.add(row);
          }
        });
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("dryRun", true);
    report.put("workflow", migration.workflow());
    report.put("fromVersion", migration.fromVersion());
    report.put("toVersion", migration.toVersion());
    report.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
    report.put("moves", moves);
    report.put("cannotMove", stays);
    return report;
  }

  /** The operation, if it is the tenant's (and of the kind the path names). */
  private Route found(
      Principal principal,
      String id,
      Optional<Kind> kind,
      CompletionStage<Optional<BulkOperation.View>> operation) {
    return answered(
        operation.thenApply(
            view ->
                view.filter(found -> ours(principal, found, kind))
                    .map(found -> json.response(found))
                    .orElseGet(() -> notFound(id))),
        Map.of());
  }

  /** The operation's progress every half second, as server-sent events, until it ends. */
  private Route progress(Principal principal, String id, Optional<Kind> kind) {
    return onSuccess(
        sagas.findBulk(id),
        first -> {
          if (first.filter(found -> ours(principal, found, kind)).isEmpty()) {
            return complete(notFound(id));
          }
          Source<ByteString, NotUsed> frames =
              Source.tick(Duration.ZERO, PROGRESS_EVERY, NotUsed.notUsed())
                  .mapAsync(1, tick -> sagas.findBulk(id))
                  .map(Optional::orElseThrow)
                  .takeWhile(view -> !view.finished(), true)
                  .map(
                      view ->
                          ByteString.fromString(
                              "event: progress\ndata: "
                                  + new String(json.write(view), StandardCharsets.UTF_8)
                                  + "\n\n"))
                  .mapMaterializedValue(cancellable -> NotUsed.notUsed());
          return complete(
              HttpResponse.create()
                  .withEntity(
                      HttpEntities.createChunked(
                          MediaTypes.TEXT_EVENT_STREAM.toContentType(), frames)));
        });
  }

  private static boolean ours(Principal principal, BulkOperation.View view, Optional<Kind> kind) {
    return view.tenant().equals(principal.tenant())
        && kind.map(wanted -> wanted.id().equals(view.kind())).orElse(true);
  }

  private HttpResponse notFound(String id) {
    return problems.of(ErrorCode.OPERATION_NOT_FOUND, Map.of("operationId", id));
  }
}
