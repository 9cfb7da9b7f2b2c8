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
 * unfinished sagas of every tenant, the stuck ones marked; {@code /admin/audit}: a checkpoint now,
 * the whole journal verified. For operators only; a tenant's admin has its erasures, migrations and
 * bulk operations here too.
 */
final class AdminRoutes extends RouteSupport {

  /**
   * The read side serves every tenant, so running it is a platform duty: a role no workflow grants,
   * held by operators outside any tenant, not a tenant's own admin.
   */
  private final String operatorRole;

  private final ReadSideAdmin readSide;
  private final Sagas sagas;
  private final AuditRoutes audit;
  private final BulkRoutes bulk;

  AdminRoutes(
      String operatorRole,
      ReadSideAdmin readSide,
      Sagas sagas,
      AuditRoutes audit,
      BulkRoutes bulk,
      Context context) {
    super(context);
    this.operatorRole = operatorRole;
    this.readSide = readSide;
    this.sagas = sagas;
    this.audit = audit;
    this.bulk = bulk;
  }

  /**
   * Every route under {@code /admin} is the operators', but a tenant admin's erasures, migrations
   * and bulk operations.
   */
  Route routes(Principal principal) {
    return pathPrefix(
        "admin",
        () ->
            concat(
                audit.erasures(principal),
                bulk.routes(principal),
                requireAnyRole(
                    principal,
                    Set.of(operatorRole),
                    "administer",
                    () ->
                        concat(
                            pathPrefix("read-side", this::readSide),
                            audit.admin(),
                            path(
                                "sagas",
                                () -> get(() -> answer(StatusCodes.OK, sagas::unfinished)))))));
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
