package io.caseflow.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.notify.WebhookSecrets;
import io.caseflow.notify.Webhooks;
import io.caseflow.notify.Webhooks.Subscription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /webhooks}: a tenant's subscriptions and its dead-lettered deliveries, managed by the
 * tenant's admins. A subscription's secret is the client's or, when it sends none, one the service
 * generates and shows in that one answer; it is stored encrypted and never shown again. Without the
 * key that encrypts secrets, no secret is taken: {@code 503 secret_key_missing}.
 */
final class WebhookRoutes extends RouteSupport {

  private final String adminRole;
  private static final int MIN_SECRET_LENGTH = 16;
  private static final int MAX_SECRET_LENGTH = 200;
  private static final int MAX_URL_LENGTH = 2048;

  record Subscribe(String url, List<String> events, String secret) {}

  /** An empty body, or no {@code secret}, has the service generate the new secret. */
  record RotateSecret(String secret) {}

  /** A subscription with the secret the service generated for it: shown this once. */
  record WithSecret(@JsonUnwrapped Subscription subscription, String secret) {}

  private final Webhooks webhooks;

  WebhookRoutes(String adminRole, Webhooks webhooks, Context context) {
    super(context);
    this.adminRole = adminRole;
    this.webhooks = webhooks;
  }

  Route routes(Principal principal) {
    return pathPrefix(
        "webhooks",
        () ->
            requireAnyRole(
                principal,
                Set.of(adminRole),
                "manage webhooks",
                () ->
                    concat(
                        pathEnd(() -> subscriptions(principal)),
                        pathPrefix("dead-letters", () -> deadLetters(principal.tenant())),
                        path(
                            PathMatchers.segment().slash("rotate-secret"),
                            id -> post(() -> rotateSecret(principal.tenant(), id))),
                        path(PathMatchers.segment(), id -> subscription(principal.tenant(), id)))));
  }

  private Route subscriptions(Principal principal) {
    return concat(
        post(() -> body(Subscribe.class, true, body -> subscribe(principal, body))),
        get(() -> blocking(() -> json.response(webhooks.subscriptions(principal.tenant())))));
  }

  private Route deadLetters(String tenant) {
    return concat(
        pathEnd(() -> get(() -> blocking(() -> json.response(webhooks.deadDeliveries(tenant))))),
        path(PathMatchers.longSegment().slash("redrive"), id -> post(() -> redrive(tenant, id))));
  }

  private Route subscription(String tenant, String id) {
    return concat(
        get(
            () ->
                blocking(
                    () ->
                        webhooks
                            .subscription(tenant, id)
                            .map(json::response)
                            .orElseGet(() -> notFound(id)))),
        delete(
            () ->
                blocking(
                    () ->
                        webhooks.unsubscribe(tenant, id)
                            ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                            : notFound(id))));
  }

  private Route rotateSecret(String tenant, String id) {
    return body(RotateSecret.class, false, body -> rotateSecret(tenant, id, body));
  }

  private Route subscribe(Principal principal, Subscribe body) {
    if (!webhooks.canStoreSecrets()) {
      return complete(problems.of(ErrorCode.SECRET_KEY_MISSING, Map.of()));
    }
    List<String> events = body.events() == null ? List.of() : body.events();
    Optional<HttpResponse> invalid = invalid(body, events);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    return blocking(
        () -> {
          Optional<String> refused = webhooks.targetRefusal(body.url());
          if (refused.isPresent()) {
            return invalidField("url", refused.get()).orElseThrow();
          }
          String secret = body.secret() == null ? WebhookSecrets.generate() : body.secret();
          Subscription subscription =
              webhooks.subscribe(
                  principal.tenant(), body.url(), events, secret, principal.userId());
          return json.response(shown(subscription, body.secret(), secret))
              .withStatus(StatusCodes.CREATED)
              .addHeader(HttpHeader.parse("Location", "/webhooks/" + subscription.id()));
        });
  }

  private Route rotateSecret(String tenant, String id, RotateSecret body) {
    if (!webhooks.canStoreSecrets()) {
      return complete(problems.of(ErrorCode.SECRET_KEY_MISSING, Map.of()));
    }
    String chosen = body == null ? null : body.secret();
    Optional<HttpResponse> invalid = chosen == null ? Optional.empty() : invalidSecret(chosen);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    return blocking(
        () -> {
          String secret = chosen == null ? WebhookSecrets.generate() : chosen;
          return webhooks
              .rotateSecret(tenant, id, secret)
              .map(subscription -> json.response(shown(subscription, chosen, secret)))
              .orElseGet(() -> notFound(id));
        });
  }

  /**
   * The answer shows a secret the service generated, since the client has no other way to learn it;
   * one the client chose is not echoed into another response.
   */
  private static Object shown(Subscription subscription, String chosen, String secret) {
    return chosen == null ? new WithSecret(subscription, secret) : subscription;
  }

  private Optional<HttpResponse> invalid(Subscribe body, List<String> events) {
    if (body.url() == null) {
      return Optional.of(problems.of(ErrorCode.MISSING_FIELD, Map.of("field", "url")));
    }
    if (!isHttpUrl(body.url())) {
      return invalidField("url", "must be an absolute http or https URL");
    }
    Optional<HttpResponse> secret =
        body.secret() == null ? Optional.empty() : invalidSecret(body.secret());
    if (secret.isPresent()) {
      return secret;
    }
    if (events.stream().anyMatch(type -> type == null || !CaseEvent.TYPE_NAMES.contains(type))) {
      return invalidField("events", "may only name event types " + CaseEvent.TYPE_NAMES);
    }
    return Optional.empty();
  }

  private Optional<HttpResponse> invalidSecret(String secret) {
    if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH) {
      return invalidField(
          "secret",
          "must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters long");
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
    return blocking(
        () ->
            webhooks.redrive(tenant, deliveryId)
                ? json.response(Map.of("redriven", deliveryId)).withStatus(StatusCodes.ACCEPTED)
                : problems.of(
                    ErrorCode.DELIVERY_NOT_FOUND, Map.of("delivery", Long.toString(deliveryId))));
  }

  private HttpResponse notFound(String subscriptionId) {
    return problems.of(ErrorCode.WEBHOOK_NOT_FOUND, Map.of("webhook", subscriptionId));
  }
}
