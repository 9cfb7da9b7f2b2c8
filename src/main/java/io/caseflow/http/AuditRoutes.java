package io.caseflow.http;

import io.caseflow.audit.Audit;
import io.caseflow.audit.CaseVerification;
import io.caseflow.audit.DatabaseBehindExport;
import io.caseflow.audit.JournalVerification;
import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The audit trail: the checkpoints' public key for anyone ({@code /audit/public-key}); the
 * checkpoints, with a case's Merkle proof, for a tenant's admin and operators ({@code
 * /audit/checkpoints}); and for operators, a checkpoint made now and the whole journal verified
 * ({@code /admin/audit/…}). A case's own verification is {@code /cases/{id}/history/verify}.
 */
final class AuditRoutes extends RouteSupport {

  private static final ContentType.NonBinary PEM =
      ContentTypes.create(
          MediaTypes.applicationWithOpenCharset("x-pem-file"), HttpCharsets.US_ASCII);

  private final AccessRoles roles;
  private final Audit audit;
  private final SubjectKeys personalData;

  AuditRoutes(AccessRoles roles, Audit audit, SubjectKeys personalData, Context context) {
    super(context);
    this.roles = roles;
    this.audit = audit;
    this.personalData = personalData;
  }

  /**
   * {@code /admin/erasures}: a tenant's admin erases a subject's personal data (its data key), and
   * lists the tenant's erasures. Inside {@code /admin}, ahead of the operators' routes.
   */
  Route erasures(Principal principal) {
    return path(
        "erasures",
        () ->
            requireAnyRole(
                principal,
                Set.of(roles.admin()),
                "erase personal data",
                () ->
                    concat(
                        post(
                            () ->
                                body(
                                    RequestBodies.Erasure.class,
                                    true,
                                    erasure -> erase(principal, erasure.subject()))),
                        get(() -> paged((limit, cursor) -> erasures(principal, limit, cursor))))));
  }

  private Route erasures(Principal principal, int limit, Optional<String> cursor) {
    Long before = cursor.map(AuditRoutes::numberOf).orElse(null);
    return blocking(() -> json.response(personalData.erasures(principal.tenant(), limit, before)));
  }

  private Route erase(Principal principal, String subject) {
    if (subject == null || subject.isBlank()) {
      return complete(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "subject")));
    }
    if (!personalData.available()) {
      return complete(problems.of(ErrorCode.SECRET_KEY_MISSING, Map.of()));
    }
    return blocking(
        () ->
            json.response(personalData.erase(principal.tenant(), subject, principal.userId()))
                .withStatus(StatusCodes.CREATED));
  }

  /** {@code GET /audit/public-key}: public, like an issuer's key set. */
  Route publicKey() {
    return path(
        PathMatchers.segment("audit").slash("public-key"),
        () ->
            get(
                () ->
                    complete(
                        audit
                            .publicKeyPem()
                            .map(
                                pem ->
                                    HttpResponse.create().withEntity(HttpEntities.create(PEM, pem)))
                            .orElseGet(() -> problems.of(ErrorCode.AUDIT_KEY_MISSING, Map.of())))));
  }

  /** {@code /audit/checkpoints…}, for a tenant's admin or an operator. */
  Route routes(Principal principal) {
    return pathPrefix(
        PathMatchers.segment("audit").slash("checkpoints"),
        () ->
            requireAnyRole(
                principal,
                Set.of(roles.admin(), roles.operator()),
                "read checkpoints",
                () ->
                    concat(
                        pathEnd(() -> get(() -> paged(this::page))),
                        path(
                            PathMatchers.longSegment(),
                            number ->
                                get(
                                    () ->
                                        parameterOptional(
                                            "caseId",
                                            caseId -> checkpoint(principal, number, caseId)))))));
  }

  /** {@code /admin/audit/…}: inside the operators' {@code /admin}. */
  Route admin() {
    return pathPrefix(
        "audit",
        () ->
            concat(
                path("checkpoints", () -> post(this::checkpointNow)),
                path(
                    "verify",
                    () ->
                        concat(
                            post(
                                () ->
                                    blocking(
                                        () ->
                                            json.response(view(audit.verification().start()))
                                                .withStatus(StatusCodes.ACCEPTED))),
                            get(
                                () ->
                                    blocking(
                                        () ->
                                            json.response(
                                                view(audit.verification().status()))))))));
  }

  private Route page(int limit, Optional<String> cursor) {
    Long after = cursor.map(AuditRoutes::numberOf).orElse(null);
    return blocking(() -> json.response(audit.checkpoints(limit, after)));
  }

  private Route checkpoint(Principal principal, long number, Optional<String> caseId) {
    if (caseId.isPresent() && !CaseId.isValid(caseId.get())) {
      return complete(problems.of(ErrorCode.CASE_NOT_FOUND, Map.of("caseId", caseId.get())));
    }
    Optional<CaseId> forCase = caseId.map(id -> new CaseId(principal.tenant(), id));
    return blocking(
        () ->
            audit
                .checkpoint(number, forCase)
                .map(
                    detail ->
                        forCase.isPresent() && detail.proof() == null
                            ? problems.of(
                                ErrorCode.CASE_NOT_IN_CHECKPOINT,
                                Map.of(
                                    "caseId",
                                    forCase.get().id(),
                                    "checkpoint",
                                    Long.toString(number)))
                            : json.response(detail))
                .orElseGet(
                    () ->
                        problems.of(
                            ErrorCode.CHECKPOINT_NOT_FOUND,
                            Map.of("checkpoint", Long.toString(number)))));
  }

  private Route checkpointNow() {
    return blocking(
        () -> {
          try {
            return audit
                .checkpointNow()
                .map(
                    latest ->
                        latest
                            .map(json::response)
                            .orElseGet(
                                () -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)))
                .orElseGet(() -> problems.of(ErrorCode.AUDIT_KEY_MISSING, Map.of()));
          } catch (DatabaseBehindExport behind) {
            return problems.of(
                ErrorCode.AUDIT_EXPORT_AHEAD,
                Map.of(
                    "exported", Long.toString(behind.exported()),
                    "stored", Long.toString(behind.stored())));
          }
        });
  }

  /** A case's verification as {@code GET /cases/{id}/history/verify} answers it. */
  static Map<String, Object> view(CaseVerification verification) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("valid", verification.valid());
    view.put("events", verification.events());
    if (!verification.valid()) {
      view.put("firstBrokenSeq", verification.firstBrokenSeq());
      view.put("reason", verification.reason());
    }
    view.put("checkpoint", verification.checkpoint());
    return view;
  }

  private static Map<String, Object> view(JournalVerification.Status status) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("status", status.phase().name().toLowerCase(Locale.ROOT));
    view.put("startedAt", status.startedAt());
    view.put("finishedAt", status.finishedAt());
    view.put("checked", status.checked());
    view.put("total", status.total());
    if (status.report() != null) {
      view.put("valid", status.report().valid());
      view.put("checkpoints", status.report().checkpoints());
      view.put("trustedCheckpoints", status.report().trusted().size());
      view.put("checkpointProblems", status.report().problems());
      view.put(
          "broken",
          status.report().broken().stream()
              .map(
                  broken -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("tenant", broken.caseId().tenant());
                    entry.put("caseId", broken.caseId().id());
                    entry.putAll(view(broken));
                    return entry;
                  })
              .toList());
    } else {
      view.put("broken", List.of());
    }
    view.put("error", status.error());
    return view;
  }

  /** A cursor of these lists: the number (or id) the next page starts below. */
  private static long numberOf(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new MalformedRequestException("cursor is not one this list gave.");
    }
  }
}
