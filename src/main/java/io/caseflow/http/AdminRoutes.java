package io.caseflow.http;

import io.caseflow.cases.Principal;
import io.caseflow.readside.ReadSideAdmin;
import io.caseflow.saga.Sagas;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /admin/read-side}: the read side's health and its rebuild; {@code /admin/sagas}: the
 * unfinished sagas of every tenant, the stuck ones marked. For operators only.
 */
final class AdminRoutes extends RouteSupport {

  /**
   * The read side serves every tenant, so running it is a platform duty: a role no workflow grants,
   * held by operators outside any tenant, not a tenant's own admin.
   */
  private final String operatorRole;

  private final ReadSideAdmin readSide;
  private final Sagas sagas;

  AdminRoutes(String operatorRole, ReadSideAdmin readSide, Sagas sagas, Context context) {
    super(context);
    this.operatorRole = operatorRole;
    this.readSide = readSide;
    this.sagas = sagas;
  }

  Route routes(Principal principal) {
    return pathPrefix(
        "admin",
        () ->
            requireAnyRole(
                principal,
                Set.of(operatorRole),
                "administer",
                () ->
                    concat(
                        pathPrefix("read-side", this::readSide),
                        path(
                            "sagas", () -> get(() -> answer(StatusCodes.OK, sagas::unfinished))))));
  }

  private Route readSide() {
    return concat(
        pathEnd(() -> get(() -> answer(StatusCodes.OK, readSide::status))),
        path("rebuild", () -> post(() -> answer(StatusCodes.ACCEPTED, readSide::startRebuild))));
  }

  private Route answer(StatusCode status, Supplier<Object> body) {
    return blocking(() -> json.response(body.get()).withStatus(status));
  }
}
