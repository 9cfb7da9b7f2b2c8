package io.caseflow.http;

import io.caseflow.audit.Audit;
import io.caseflow.audit.CaseVerification;
import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.Explain;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Explanation;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseView;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.HistoryEntry;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.PersonalData.Sealing;
import io.caseflow.cases.Principal;
import io.caseflow.observe.Tracing;
import io.caseflow.saga.Sagas;
import io.caseflow.saga.SubjectClaim.OpenRequest;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /cases}: commands go to the case entity through Cluster Sharding and are answered only
 * once it replied; history comes from the journal.
 */
final class CaseRoutes extends RouteSupport {

  private final ClusterSharding sharding;
  private final Sagas sagas;
  private final CaseHistory history;
  private final Audit audit;
  private final PersonalSealing sealing;
  private final WorkflowRegistry workflows;
  private final Duration askTimeout;
  private final Duration readTimeout;
  private final Supplier<String> newCaseId;

  CaseRoutes(
      ClusterSharding sharding,
      Sagas sagas,
      CaseHistory history,
      Audit audit,
      PersonalSealing sealing,
      WorkflowRegistry workflows,
      Duration askTimeout,
      Duration readTimeout,
      Supplier<String> newCaseId,
      Context context) {
    super(context);
    this.sharding = sharding;
    this.sagas = sagas;
    this.history = history;
    this.audit = audit;
    this.sealing = sealing;
    this.workflows = workflows;
    this.askTimeout = askTimeout;
    this.readTimeout = readTimeout;
    this.newCaseId = newCaseId;
  }

  Route routes(Principal principal) {
    return pathPrefix(
        "cases",
        () ->
            concat(
                pathEnd(() -> post(() -> open(principal))),
                pathPrefix(
                    PathMatchers.segment(),
                    id -> caseId(principal, id, caseId -> oneCase(principal, caseId)))));
  }

  private Route oneCase(Principal principal, CaseId caseId) {
    return concat(
        pathEnd(() -> get(() -> read(principal, caseId))),
        path(
            PathMatchers.segment("actions").slash(PathMatchers.segment()),
            action -> post(() -> perform(principal, caseId, action))),
        path("assignee", () -> post(() -> assign(principal, caseId))),
        path("comments", () -> post(() -> comment(principal, caseId))),
        path("explain", () -> get(() -> explain(principal, caseId))),
        pathPrefix(
            "history",
            () ->
                concat(
                    pathEnd(() -> get(() -> historyOf(caseId))),
                    path("verify", () -> get(() -> verify(caseId))))));
  }

  /** The case now, from its entity; or as it was at {@code asOf}, from its journal. */
  private Route read(Principal principal, CaseId caseId) {
    return parameterOptional(
        "asOf",
        asOf ->
            asOf.isPresent()
                ? asOf(caseId, asOf.get())
                : traceparent(
                    trace -> answer(caseId, current(principal, caseId, trace), StatusCodes.OK)));
  }

  /**
   * The case from its entity or, when the entity does not answer within the read timeout, from its
   * journal: both are what is durable, so the fallback is never behind an acknowledged command. An
   * entity restarts after a failed write and replays through the journal's circuit breaker, which
   * failing writes keep open (a full disk), and is away while its shard moves: its case is still
   * read. The case's tenant is the caller's ({@link CaseId}), as the entity would check.
   */
  private CompletionStage<CaseReply> current(Principal principal, CaseId caseId, String trace) {
    return sharding
        .entityRefFor(CaseEntity.TYPE_KEY, caseId.entityId())
        .<CaseReply>ask(replyTo -> new GetCase(principal, trace, replyTo), readTimeout)
        .exceptionallyCompose(
            entityAway ->
                history
                    .current(caseId)
                    .thenApply(
                        view ->
                            view.<CaseReply>map(Accepted::new)
                                .orElseGet(
                                    () ->
                                        Rejected.of(
                                            ErrorCode.CASE_NOT_FOUND, "caseId", caseId.id()))));
  }

  private Route perform(Principal principal, CaseId caseId, String action) {
    return commandHeaders(
        (key, version) ->
            body(
                RequestBodies.PerformAction.class,
                false,
                body -> {
                  RequestBodies.PerformAction given =
                      body == null ? new RequestBodies.PerformAction(null, null) : body;
                  return traceparent(
                      trace ->
                          answer(
                              caseId,
                              sealedData(principal, caseId, trace, given.data())
                                  .thenCompose(
                                      sealing ->
                                          whenSealed(
                                              sealing,
                                              values ->
                                                  askCase(
                                                      caseId,
                                                      replyTo ->
                                                          new PerformAction(
                                                              principal,
                                                              action,
                                                              given.comment(),
                                                              values.data(),
                                                              version,
                                                              key,
                                                              trace,
                                                              replyTo)))),
                              StatusCodes.OK));
                }));
  }

  /**
   * An action's data with its personal values sealed. When it may hold some, the case is asked
   * first which workflow it follows and whose subject it is; a case that refuses to answer (not
   * found) refuses the action the same way. Data that names no personal field goes as it is.
   */
  private CompletionStage<Sealing> sealedData(
      Principal principal, CaseId caseId, String trace, Map<String, Object> data) {
    if (!sealing.mayHoldPersonalValues(data)) {
      return CompletableFuture.completedFuture(new Sealing.Sealed(null, null, data));
    }
    return askCase(caseId, replyTo -> new GetCase(principal, trace, replyTo))
        .thenCompose(
            current ->
                current instanceof Accepted accepted
                    ? CompletableFuture.supplyAsync(
                        () -> sealing.action(accepted.view(), data), blockingPool())
                    : CompletableFuture.completedFuture(new Sealing.Refused((Rejected) current)));
  }

  private Route assign(Principal principal, CaseId caseId) {
    return commandHeaders(
        (key, version) ->
            body(
                RequestBodies.Assign.class,
                true,
                body ->
                    ask(
                        caseId,
                        (trace, replyTo) ->
                            new Assign(principal, body.assignee(), version, key, trace, replyTo),
                        StatusCodes.OK)));
  }

  private Route comment(Principal principal, CaseId caseId) {
    return commandHeaders(
        (key, version) ->
            body(
                RequestBodies.AddComment.class,
                true,
                body ->
                    ask(
                        caseId,
                        (trace, replyTo) ->
                            new AddComment(principal, body.text(), version, key, trace, replyTo),
                        StatusCodes.CREATED)));
  }

  private Route open(Principal principal) {
    return commandHeaders(
        (key, ignoredVersion) ->
            body(
                RequestBodies.OpenCase.class,
                true,
                body -> traceparent(trace -> open(principal, key, body, trace))));
  }

  private Route open(
      Principal principal, String key, RequestBodies.OpenCase body, String traceparent) {
    String id = body.id() != null ? body.id() : generatedId(principal, key);
    if (!CaseId.isValid(id)) {
      return complete(
          problems.of(
              ErrorCode.INVALID_FIELD,
              Map.of(
                  "field", "id",
                  "reason", "must be 1 to 64 letters, digits, '.', '_' or '-'")));
    }
    OpenRequest request =
        new OpenRequest(
            id,
            principal,
            body.workflow(),
            body.subject(),
            body.title(),
            body.data(),
            key,
            traceparent);
    CaseId caseId = new CaseId(principal.tenant(), id);
    Optional<Workflow> personal = sealing.personalWorkflow(body.workflow());
    if (personal.isEmpty()) {
      return answer(caseId, sagas.open(request), StatusCodes.CREATED);
    }
    return answer(
        caseId,
        CompletableFuture.supplyAsync(
                () ->
                    sealing.open(
                        personal.get(),
                        principal,
                        request.subject(),
                        request.title(),
                        request.data()),
                blockingPool())
            .thenCompose(
                sealing ->
                    whenSealed(
                        sealing,
                        values ->
                            sagas.open(
                                request.withValues(
                                    values.subject(), values.title(), values.data())))),
        StatusCodes.CREATED);
  }

  /**
   * Without a client-chosen id, a retried open must reach the same case: the id is derived from the
   * idempotency key when there is one.
   */
  private String generatedId(Principal principal, String idempotencyKey) {
    if (idempotencyKey == null) {
      return newCaseId.get();
    }
    String seed = principal.tenant() + '\n' + principal.userId() + '\n' + idempotencyKey;
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Goes on with the sealed values, or answers the refusal the sealing came to. */
  private static CompletionStage<CaseReply> whenSealed(
      Sealing sealing, Function<Sealing.Sealed, CompletionStage<CaseReply>> next) {
    return sealing instanceof Sealing.Sealed values
        ? next.apply(values)
        : CompletableFuture.completedFuture(((Sealing.Refused) sealing).rejection());
  }

  private CompletionStage<CaseReply> askCase(
      CaseId caseId, Function<ActorRef<CaseReply>, CaseCommand> command) {
    return sharding
        .entityRefFor(CaseEntity.TYPE_KEY, caseId.entityId())
        .<CaseReply>ask(command::apply, askTimeout);
  }

  /** Sends the command built with the request's trace and a reply address, and answers. */
  private Route ask(
      CaseId caseId,
      BiFunction<String, ActorRef<CaseReply>, CaseCommand> command,
      StatusCode success) {
    return traceparent(
        trace ->
            answer(caseId, askCase(caseId, replyTo -> command.apply(trace, replyTo)), success));
  }

  /** The request's span as a W3C {@code traceparent}, or null when it is not traced. */
  private Route traceparent(Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(Tracing.traceparent(RequestTracing.of(request))));
  }

  /** Answers with the case's reply once it came, or {@code unavailable} when none came. */
  private Route answer(CaseId caseId, CompletionStage<CaseReply> reply, StatusCode success) {
    return answered(
        reply.thenCompose(answer -> respond(caseId, answer, success)),
        Map.of("caseId", caseId.id()));
  }

  private CompletionStage<HttpResponse> respond(
      CaseId caseId, CaseReply reply, StatusCode success) {
    if (reply instanceof Accepted accepted) {
      return caseResponse(success, accepted.view());
    }
    if (reply instanceof Replayed replayed) {
      return history
          .atSeq(caseId, replayed.seq())
          .thenCompose(view -> caseResponse(success, view.orElseThrow()))
          .thenApply(
              response -> response.addHeader(HttpHeader.parse("Idempotent-Replayed", "true")));
    }
    Rejected rejected = (Rejected) reply;
    return CompletableFuture.completedFuture(problems.of(rejected.code(), rejected.args()));
  }

  /** The case as an answer: its personal values opened, its version as ETag and token. */
  private CompletionStage<HttpResponse> caseResponse(StatusCode status, CaseView view) {
    return revealed(view, PersonalData.holdsTokens(view))
        .thenApply(
            body -> {
              HttpResponse response =
                  body.withStatus(status)
                      .addHeader(HttpHeader.parse("ETag", "\"" + view.version() + "\""))
                      .addHeader(
                          HttpHeader.parse(
                              ConsistencyToken.HEADER,
                              new ConsistencyToken(view.id(), view.version()).toString()));
              if (status.equals(StatusCodes.CREATED) && view.version() == 1) {
                response = response.addHeader(HttpHeader.parse("Location", "/cases/" + view.id()));
              }
              return response;
            });
  }

  private Route asOf(CaseId caseId, String asOfParameter) {
    Instant instant = InstantParameter.parse("asOf", asOfParameter);
    return answered(
        history
            .asOf(caseId, instant)
            .thenCompose(
                view ->
                    view.map(v -> caseResponse(StatusCodes.OK, v))
                        .orElseGet(() -> CompletableFuture.completedFuture(caseNotFound(caseId)))),
        Map.of("caseId", caseId.id()));
  }

  private Route historyOf(CaseId caseId) {
    return answered(
        history
            .events(caseId)
            .thenCompose(
                events -> {
                  if (events.isEmpty()) {
                    return CompletableFuture.completedFuture(caseNotFound(caseId));
                  }
                  List<HistoryEntry> entries = events.stream().map(HistoryEntry::of).toList();
                  return revealed(
                      entries,
                      entries.stream()
                          .anyMatch(
                              entry ->
                                  entry.data().values().stream().anyMatch(PersonalData::isSealed)));
                }),
        Map.of("caseId", caseId.id()));
  }

  /**
   * The case's chain from the journal, checked against the audit log and the latest signed
   * checkpoint holding it. A case with no trace anywhere does not exist; one whose events are gone
   * but that the audit log or a checkpoint names is reported broken.
   */
  private Route verify(CaseId caseId) {
    return blocking(
        () -> {
          CaseVerification verification = audit.verify(caseId);
          return verification.events() == 0 && verification.valid()
              ? caseNotFound(caseId)
              : json.response(AuditRoutes.view(verification));
        });
  }

  /**
   * Why the case is where it is (the event that moved it there, and the rule of its workflow that
   * allowed it) and what the caller may do now: the case judges each action by its own rules.
   */
  private Route explain(Principal principal, CaseId caseId) {
    return traceparent(
        trace ->
            answered(
                askCase(caseId, replyTo -> new Explain(principal, trace, replyTo))
                    .thenCompose(
                        reply ->
                            reply instanceof Explanation explanation
                                ? history
                                    .event(caseId, explanation.stateSeq())
                                    .thenApply(
                                        arrived -> json.response(explained(explanation, arrived)))
                                : respond(caseId, reply, StatusCodes.OK)),
                Map.of("caseId", caseId.id())));
  }

  private Map<String, Object> explained(Explanation explanation, Optional<CaseEvent> arrived) {
    CaseView view = explanation.view();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("caseId", view.id());
    body.put("state", view.state());
    body.put("version", view.version());
    body.put("workflow", view.workflow());
    body.put("workflowVersion", view.workflowVersion());
    body.put("arrived", arrived.map(event -> arrival(view, event)).orElse(null));
    body.put(
        "actions",
        explanation.actions().stream()
            .map(
                verdict -> {
                  Map<String, Object> entry = new LinkedHashMap<>();
                  entry.put("action", verdict.action());
                  entry.put("allowed", verdict.allowed());
                  if (!verdict.allowed()) {
                    entry.put("code", verdict.code().code());
                    entry.put("args", verdict.args());
                  }
                  return entry;
                })
            .toList());
    body.put("deadlines", explanation.deadlines());
    return body;
  }

  /** The event that moved the case into its state, and the rule of its workflow it followed. */
  private Map<String, Object> arrival(CaseView view, CaseEvent event) {
    HistoryEntry entry = HistoryEntry.of(event);
    Map<String, Object> arrival = new LinkedHashMap<>();
    arrival.put("seq", event.seq());
    arrival.put("at", event.at());
    arrival.put("actor", event.actor());
    arrival.put("type", event.typeName());
    arrival.put("action", entry.action());
    arrival.put("from", entry.from());
    arrival.put(
        "rule",
        workflows
            .version(view.workflow(), view.workflowVersion())
            .flatMap(workflow -> workflow.action(entry.action()))
            .map(
                action -> {
                  Map<String, Object> rule = new LinkedHashMap<>();
                  rule.put("workflow", view.workflow());
                  rule.put("workflowVersion", view.workflowVersion());
                  rule.put("action", action.name());
                  rule.put("from", action.from().stream().sorted().toList());
                  rule.put("to", action.to());
                  rule.put("roles", action.roles().stream().sorted().toList());
                  return rule;
                })
            .orElse(null));
    return arrival;
  }

  private HttpResponse caseNotFound(CaseId caseId) {
    return problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", caseId.id()));
  }
}
