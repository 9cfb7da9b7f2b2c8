package io.caseflow.observe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.dispatch.Dispatchers;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port, for Prometheus. The port is internal (like {@code
 * /ready}), so there is no token. Pekko Management creates this provider from {@code
 * pekko.management.http.routes.metrics}; the scrape runs off the HTTP threads, since it may read
 * the database.
 */
public final class MetricsRoutes extends AllDirectives implements ManagementRouteProvider {

  /** Prometheus's text exposition format, as the registry writes it. */
  static final ContentType.NonBinary PROMETHEUS_TEXT =
      (ContentType.NonBinary) ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final Metrics metrics;
  private final Executor blocking;

  public MetricsRoutes(ExtendedActorSystem system) {
    this.metrics = Metrics.get(system);
    this.blocking = system.dispatchers().lookup(Dispatchers.DefaultBlockingDispatcherId());
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    completeWithFuture(
                        CompletableFuture.supplyAsync(
                            () ->
                                HttpResponse.create()
                                    .withEntity(
                                        HttpEntities.create(PROMETHEUS_TEXT, metrics.scrape())),
                            blocking))));
  }
}
