package io.caseflow.http;

import io.caseflow.cases.CaseId;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
import io.caseflow.saga.MergeSaga;
import io.caseflow.saga.MergeSaga.Status;
import io.caseflow.saga.Sagas;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /cases/{id}/merge} starts a merge saga and answers once it finished (or, when it
 * takes longer than the ask timeout, {@code 202} with where to follow it); {@code GET /sagas/{id}}
 * shows a saga's steps and compensations.
 */
final class SagaRoutes extends RouteSupport {

  /** A workflow's reviewers merge duplicates, and so does the tenant's admin. */
  private static final String REVIEWER_ROLE = "reviewer";

  private final Set<String> mergeRoles;

  private final Sagas sagas;

  SagaRoutes(String adminRole, Sagas sagas, Context context) {
    super(context);
    this.mergeRoles = Set.of(REVIEWER_ROLE, adminRole);
    this.sagas = sagas;
  }

  Route routes(Principal principal) {
    return concat(
        path(
            PathMatchers.segment("cases").slash(PathMatchers.segment()).slash("merge"),
            id ->
                post(
                    () ->
                        requireAnyRole(
                            principal,
                            mergeRoles,
                            "merge",
                            () ->
                                caseId(principal, id, duplicate -> merge(principal, duplicate))))),
        path(
            PathMatchers.segment("sagas").slash(PathMatchers.segment()),
            id -> get(() -> saga(principal, id))));
  }

  private Route merge(Principal principal, CaseId duplicate) {
    return commandHeaders(
        (key, ignoredVersion) ->
            body(RequestBodies.Merge.class, true, body -> merge(principal, duplicate, key, body)));
  }

  private Route merge(Principal principal, CaseId duplicate, String key, RequestBodies.Merge body) {
    if (!CaseId.isValid(body.into()) || body.into().equals(duplicate.id())) {
      return complete(
          problems.of(
              ErrorCode.INVALID_FIELD,
              Map.of("field", "into", "reason", "must name another case")));
    }
    String sagaId = Sagas.mergeSagaId(duplicate, key);
    MergeSaga.Request request =
        new MergeSaga.Request(
            principal.tenant(), duplicate.id(), body.into(), principal, body.intoVersion());
    return completeWithFuture(merged(sagaId, request, key, sagas.merge(sagaId, request)));
  }

  private CompletionStage<HttpResponse> merged(
      String sagaId,
      MergeSaga.Request request,
      String key,
      CompletionStage<MergeSaga.View> finished) {
    return finished
        .thenApply(
            view -> {
              if (!view.duplicate().equals(request.duplicate())
                  || !view.primary().equals(request.primary())) {
                return problems.of(ErrorCode.IDEMPOTENCY_KEY_REUSED, Map.of("key", key));
              }
              if (view.status() == MergeSaga.Status.COMPLETED) {
                return sagaResponse(view);
              }
              return refused(view);
            })
        .exceptionally(
            failure ->
                isTimeout(failure)
                    ? json.response(Map.of("id", sagaId, "status", Status.RUNNING.id()))
                        .withStatus(StatusCodes.ACCEPTED)
                        .addHeader(HttpHeader.parse("Location", "/sagas/" + sagaId))
                    : unavailable(failure, Map.of("caseId", request.duplicate())));
  }

  /**
   * The saga did not finish within the ask timeout; it goes on. Any other failure (the saga could
   * not be reached or could not record its start) is unavailable: retry with the same key.
   */
  private static boolean isTimeout(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof TimeoutException;
  }

  /**
   * A duplicate that does not exist (or is another tenant's) is a missing case; any other refusal
   * is {@code merge_refused}, the duplicate restored.
   */
  private HttpResponse refused(MergeSaga.View view) {
    MergeSaga.Refusal refusal = view.refusal();
    if (refusal.step() == MergeStep.START && refusal.code() == ErrorCode.CASE_NOT_FOUND) {
      return problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", view.duplicate()));
    }
    Map<String, String> args = new LinkedHashMap<>();
    args.put("caseId", view.duplicate());
    args.put("primary", view.primary());
    args.put("sagaId", view.id());
    args.put("step", refusal.step().actionName());
    args.put("reason", refusal.code().code());
    return problems.of(ErrorCode.MERGE_REFUSED, args);
  }

  private Route saga(Principal principal, String id) {
    return answered(
        sagas
            .findMerge(id)
            .thenApply(
                view ->
                    view.filter(found -> found.tenant().equals(principal.tenant()))
                        .map(this::sagaResponse)
                        .orElseGet(
                            () -> problems.of(ErrorCode.SAGA_NOT_FOUND, Map.of("sagaId", id)))),
        Map.of());
  }

  private HttpResponse sagaResponse(MergeSaga.View view) {
    return json.response(SagaView.of(view));
  }
}
