package io.caseflow.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.sharding.ClusterShardingHealthCheck;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.cluster.scaladsl.ClusterMembershipCheck;
import org.apache.pekko.management.javadsl.ReadinessCheckSetup;
import scala.jdk.javaapi.FutureConverters;

/**
 * Whether this node takes traffic: it is a cluster member, its case shard region has registered,
 * its database answers, and its HTTP API is serving. The same checks serve Pekko Management's
 * {@code /ready} and the API's {@code /health/ready}, so the two cannot disagree.
 *
 * <p>The API's own check matters to the management port only: it serves before the API is bound,
 * and without that check a readiness probe there sent traffic to a port not yet listening.
 */
final class NodeReadiness {

  private final Map<String, Supplier<CompletionStage<Boolean>>> checks = new LinkedHashMap<>();
  private final Duration timeout;

  private NodeReadiness(
      ActorSystem system, Storage storage, CompletionStage<?> apiBound, Executor blocking) {
    ClusterMembershipCheck member = new ClusterMembershipCheck(system);
    ClusterShardingHealthCheck sharding = new ClusterShardingHealthCheck(system);
    checks.put("clusterMember", () -> asJava(member.apply()));
    checks.put("shardingRegistered", () -> asJava(sharding.apply()));
    checks.put("database", () -> CompletableFuture.supplyAsync(storage::isReachable, blocking));
    checks.put(
        "apiServing",
        () -> {
          CompletableFuture<?> bound = apiBound.toCompletableFuture();
          return CompletableFuture.completedFuture(
              bound.isDone() && !bound.isCompletedExceptionally());
        });
    timeout =
        HealthCheckSettings.create(
                system.settings().config().getConfig("pekko.management.health-checks"))
            .getCheckTimeout();
  }

  /** {@code apiBound} completes once the HTTP API is bound. */
  static NodeReadiness of(ActorSystem system, Storage storage, CompletionStage<?> apiBound) {
    return new NodeReadiness(
        system,
        storage,
        apiBound,
        system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher"));
  }

  /** Registers the checks with Pekko Management when the actor system is created. */
  static ReadinessCheckSetup managementSetup(Storage storage, CompletionStage<?> apiBound) {
    return ReadinessCheckSetup.create(
        system -> List.copyOf(of(system, storage, apiBound).checks.values()));
  }

  /** Each check's outcome by name; a check that does not answer within the timeout failed. */
  CompletionStage<Map<String, Boolean>> evaluate() {
    Map<String, CompletableFuture<Boolean>> running = new LinkedHashMap<>();
    checks.forEach(
        (name, check) ->
            running.put(
                name,
                check
                    .get()
                    .toCompletableFuture()
                    .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> false)));
    return CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Boolean> outcome = new LinkedHashMap<>();
              running.forEach((name, result) -> outcome.put(name, result.join()));
              return outcome;
            });
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Boolean> asJava(scala.concurrent.Future<Object> result) {
    return (CompletionStage<Boolean>) (CompletionStage<?>) FutureConverters.asJava(result);
  }
}
