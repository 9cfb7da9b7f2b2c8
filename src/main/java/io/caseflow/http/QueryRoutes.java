package io.caseflow.http;

import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.Inbox;
import io.caseflow.refusals.Refusals;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /cases} and {@code GET /stats}, answered from the read side (personal values opened, a
 * sealed subject found by its reference), and {@code GET /refusals} from the refusal log. A query
 * may name a consistency token; it is then answered only once the read side holds that event, or
 * {@code 503 unavailable} after a bounded wait.
 */
final class QueryRoutes extends RouteSupport {

  private static final long POLL_MILLIS = 20;

  private final CaseQueries queries;
  private final Inbox inbox;
  private final SubjectKeys personalData;
  private final Refusals refusals;
  private final AccessRoles roles;
  private final Duration consistencyTimeout;
  private final Executor blocking;

  QueryRoutes(
      CaseQueries queries,
      Inbox inbox,
      SubjectKeys personalData,
      Refusals refusals,
      AccessRoles roles,
      Duration consistencyTimeout,
      Context context) {
    super(context);
    this.queries = queries;
    this.inbox = inbox;
    this.personalData = personalData;
    this.refusals = refusals;
    this.roles = roles;
    this.consistencyTimeout = consistencyTimeout;
    this.blocking = context.blocking();
  }

  Route routes(Principal principal) {
    return concat(
        pathPrefix(
            "cases", () -> pathEnd(() -> get(() -> consistent(principal, () -> list(principal))))),
        path("stats", () -> get(() -> consistent(principal, () -> stats(principal)))),
        path("inbox", () -> get(() -> consistent(principal, () -> inbox(principal)))),
        path("refusals", () -> get(() -> refusals(principal))));
  }

  /**
   * The refusal log: a tenant's admins see their tenant's refusals, the platform operator every
   * tenant's (or one, with {@code tenant}).
   */
  private Route refusals(Principal principal) {
    return requireAnyRole(
        principal,
        Set.of(roles.admin(), roles.operator()),
        "read refusals",
        () -> parameterMap(parameters -> refusals(principal, parameters)));
  }

  private Route refusals(Principal principal, Map<String, String> parameters) {
    boolean operator = principal.hasAnyRole(Set.of(roles.operator()));
    Refusals.Filter filter =
        new Refusals.Filter(
            operator ? parameters.get("tenant") : principal.tenant(),
            parameters.get("caseId"),
            parameters.get("actor"),
            parameters.get("code"),
            Optional.ofNullable(parameters.get("since"))
                .map(since -> InstantParameter.parse("since", since))
                .orElse(null));
    int limit = limitOf(Optional.ofNullable(parameters.get("limit")));
    String cursor = parameters.get("cursor");
    return answer(() -> refusals.list(filter, limit, cursor));
  }

  private Route list(Principal principal) {
    return parameterMap(
        parameters -> {
          CaseQueries.Filter filter =
              new CaseQueries.Filter(
                  parameters.get("state"),
                  parameters.get("workflow"),
                  parameters.get("assignee"),
                  parameters.get("subject"),
                  Optional.ofNullable(parameters.get("subject"))
                      .filter(subject -> personalData.available())
                      .map(subject -> personalData.refOf(principal.tenant(), subject))
                      .orElse(null));
          int limit = limitOf(Optional.ofNullable(parameters.get("limit")));
          String cursor = parameters.get("cursor");
          return answer(() -> queries.list(principal.tenant(), filter, limit, cursor));
        });
  }

  /**
   * The cases the principal can act on now, each with those actions; {@code assignee=me} keeps the
   * ones assigned to them.
   */
  private Route inbox(Principal principal) {
    return parameterOptional(
        "assignee",
        assignee ->
            paged(
                (limit, cursor) -> {
                  if (assignee.isPresent() && !assignee.get().equals("me")) {
                    throw new MalformedRequestException(
                        "assignee takes one value, me (the cases assigned to you).");
                  }
                  return answer(
                      () ->
                          inbox.page(
                              principal,
                              assignee.map(me -> principal.userId()).orElse(null),
                              limit,
                              cursor.orElse(null)));
                }));
  }

  private Route stats(Principal principal) {
    return answer(
        () -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("items", queries.stats(principal.tenant()));
          return body;
        });
  }

  /** Waits for the read side to hold the event the caller names, if it names one. */
  private Route consistent(Principal principal, Supplier<Route> inner) {
    return parameterOptional(
        "consistentWith",
        parameter ->
            optionalHeaderValueByName(
                ConsistencyToken.HEADER,
                header -> {
                  Optional<String> token = parameter.or(() -> header);
                  if (token.isEmpty()) {
                    return inner.get();
                  }
                  ConsistencyToken wanted = ConsistencyToken.parse(token.get());
                  return onSuccess(
                      applied(principal, wanted, Instant.now().plus(consistencyTimeout)),
                      caughtUp ->
                          caughtUp
                              ? inner.get()
                              : complete(
                                  problems.of(
                                      ErrorCode.UNAVAILABLE,
                                      Map.of(
                                          "reason",
                                          "the read side has not applied " + wanted + " yet"))));
                }));
  }

  private CompletionStage<Boolean> applied(
      Principal principal, ConsistencyToken token, Instant deadline) {
    return CompletableFuture.supplyAsync(
            () ->
                unchecked(
                    () -> queries.hasApplied(principal.tenant(), token.caseId(), token.seq())),
            blocking)
        .thenCompose(
            done -> {
              if (done || Instant.now().isAfter(deadline)) {
                return CompletableFuture.completedFuture(done);
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          POLL_MILLIS, TimeUnit.MILLISECONDS, blocking))
                  .thenCompose(waited -> applied(principal, token, deadline));
            });
  }

  @FunctionalInterface
  interface Query<T> {
    T run() throws SQLException;
  }

  /**
   * Runs a read-side query on the blocking dispatcher and answers its result as JSON; a cursor the
   * query cannot read is the client's mistake.
   */
  private <T> Route answer(Query<T> query) {
    return blocking(
        () -> {
          try {
            return revealed(unchecked(query));
          } catch (IllegalArgumentException badCursor) {
            throw new MalformedRequestException(badCursor.getMessage());
          }
        });
  }

  private static <T> T unchecked(Query<T> query) {
    try {
      return query.run();
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }
}
