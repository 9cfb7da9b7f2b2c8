package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.readside.ReadSideAdmin;
import io.caseflow.saga.Sagas;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /admin/read-side}: the read side's health and its rebuild; {@code /admin/sagas}: the
 * unfinished sagas of every tenant, the stuck ones marked. For operators only.
 */
final class AdminRoutes extends AllDirectives {

  /**
   * The read side serves every tenant, so running it is a platform duty: a role no workflow grants,
   * held by operators outside any tenant, not a tenant's own admin.
   */
  private final String operatorRole;

  private final ReadSideAdmin readSide;
  private final Sagas sagas;
  private final Executor blocking;
  private final Json json;
  private final Problems problems;

  AdminRoutes(
      String operatorRole,
      ReadSideAdmin readSide,
      Sagas sagas,
      Executor blocking,
      Json json,
      Problems problems) {
    this.operatorRole = operatorRole;
    this.readSide = readSide;
    this.sagas = sagas;
    this.blocking = blocking;
    this.json = json;
    this.problems = problems;
  }

  Route routes(Principal principal) {
    return pathPrefix(
        "admin",
        () -> {
          if (!principal.hasAnyRole(Set.of(operatorRole))) {
            return complete(
                problems.of(
                    ErrorCode.FORBIDDEN, Map.of("action", "administer", "roles", operatorRole)));
          }
          return concat(
              pathPrefix(
                  "read-side",
                  () ->
                      concat(
                          pathEnd(() -> get(() -> answer(StatusCodes.OK, readSide::status))),
                          path(
                              "rebuild",
                              () ->
                                  post(
                                      () ->
                                          answer(StatusCodes.ACCEPTED, readSide::startRebuild))))),
              path("sagas", () -> get(() -> answer(StatusCodes.OK, sagas::unfinished))));
        });
  }

  private Route answer(StatusCode status, Supplier<Object> body) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(body, blocking)
            .thenApply(result -> json.response(result).withStatus(status))
            .exceptionally(error -> problems.of(ErrorCode.UNAVAILABLE, Map.of())));
  }
}
