package io.caseflow.http;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.notify.Webhooks;
import io.caseflow.notify.Webhooks.Subscription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /webhooks}: a tenant's subscriptions and its dead-lettered deliveries, managed by the
 * tenant's admins. The secret is accepted once and never shown again.
 */
final class WebhookRoutes extends JsonBodyDirectives {

  private final String adminRole;
  private static final int MIN_SECRET_LENGTH = 16;
  private static final int MAX_SECRET_LENGTH = 200;
  private static final int MAX_URL_LENGTH = 2048;

  record Subscribe(String url, List<String> events, String secret) {}

  private final Webhooks webhooks;
  private final Executor blocking;
  private final Json json;
  private final Problems problems;

  WebhookRoutes(
      String adminRole,
      Webhooks webhooks,
      Executor blocking,
      long maxBodySize,
      Json json,
      Problems problems) {
    super(json, maxBodySize);
    this.adminRole = adminRole;
    this.webhooks = webhooks;
    this.blocking = blocking;
    this.json = json;
    this.problems = problems;
  }

  Route routes(Principal principal) {
    return pathPrefix(
        "webhooks",
        () -> {
          if (!principal.hasAnyRole(Set.of(adminRole))) {
            return complete(
                problems.of(
                    ErrorCode.FORBIDDEN, Map.of("action", "manage webhooks", "roles", adminRole)));
          }
          String tenant = principal.tenant();
          return concat(
              pathEnd(
                  () ->
                      concat(
                          post(
                              () ->
                                  body(Subscribe.class, true, body -> subscribe(principal, body))),
                          get(() -> answer(() -> json.response(webhooks.subscriptions(tenant)))))),
              pathPrefix(
                  "dead-letters",
                  () ->
                      concat(
                          pathEnd(
                              () ->
                                  get(
                                      () ->
                                          answer(
                                              () ->
                                                  json.response(webhooks.deadDeliveries(tenant))))),
                          path(
                              PathMatchers.longSegment().slash("redrive"),
                              id -> post(() -> redrive(tenant, id))))),
              path(
                  PathMatchers.segment(),
                  id ->
                      concat(
                          get(
                              () ->
                                  answer(
                                      () ->
                                          webhooks
                                              .subscription(tenant, id)
                                              .map(json::response)
                                              .orElseGet(() -> notFound(id)))),
                          delete(
                              () ->
                                  answer(
                                      () ->
                                          webhooks.unsubscribe(tenant, id)
                                              ? HttpResponse.create()
                                                  .withStatus(StatusCodes.NO_CONTENT)
                                              : notFound(id))))));
        });
  }

  private Route subscribe(Principal principal, Subscribe body) {
    List<String> events = body.events() == null ? List.of() : body.events();
    Optional<HttpResponse> invalid = invalid(body, events);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    return answer(
        () -> {
          Optional<String> refused = webhooks.targetRefusal(body.url());
          if (refused.isPresent()) {
            return invalidField("url", refused.get()).orElseThrow();
          }
          Subscription subscription =
              webhooks.subscribe(
                  principal.tenant(), body.url(), events, body.secret(), principal.userId());
          return json.response(subscription)
              .withStatus(StatusCodes.CREATED)
              .addHeader(HttpHeader.parse("Location", "/webhooks/" + subscription.id()));
        });
  }

  private Optional<HttpResponse> invalid(Subscribe body, List<String> events) {
    if (body.url() == null) {
      return Optional.of(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "url")));
    }
    if (!isHttpUrl(body.url())) {
      return invalidField("url", "must be an absolute http or https URL");
    }
    if (body.secret() == null) {
      return Optional.of(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "secret")));
    }
    if (body.secret().length() < MIN_SECRET_LENGTH || body.secret().length() > MAX_SECRET_LENGTH) {
      return invalidField(
          "secret",
          "must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters long");
    }
    if (events.stream().anyMatch(type -> type == null || !CaseEvent.TYPE_NAMES.contains(type))) {
      return invalidField("events", "may only name event types " + CaseEvent.TYPE_NAMES);
    }
    return Optional.empty();
  }

  private static boolean isHttpUrl(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      return false;
    }
    try {
      URI uri = new URI(url);
      return uri.isAbsolute()
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private Optional<HttpResponse> invalidField(String field, String reason) {
    return Optional.of(
        problems.of(ErrorCode.INVALID_FIELD, Map.of("field", field, "reason", reason)));
  }

  private Route redrive(String tenant, long deliveryId) {
    return answer(
        () ->
            webhooks.redrive(tenant, deliveryId)
                ? json.response(Map.of("redriven", deliveryId)).withStatus(StatusCodes.ACCEPTED)
                : problems.of(
                    ErrorCode.DELIVERY_NOT_FOUND, Map.of("delivery", Long.toString(deliveryId))));
  }

  private HttpResponse notFound(String subscriptionId) {
    return problems.of(ErrorCode.WEBHOOK_NOT_FOUND, Map.of("webhook", subscriptionId));
  }

  /** Runs the storage work off the HTTP threads; storage trouble answers 503, retryable. */
  private Route answer(Supplier<HttpResponse> response) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(response, blocking)
            .exceptionally(error -> problems.of(ErrorCode.UNAVAILABLE, Map.of())));
  }
}
