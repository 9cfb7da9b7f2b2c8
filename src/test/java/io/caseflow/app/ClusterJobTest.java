package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.event.Level;

/**
 * A cluster job whose run outlasts its actor, as when a stop hands the job's shard off mid-run: the
 * run's end is an ordinary dead letter, not an error of Pekko's dead-letter logger.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class ClusterJobTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                  "pekko.actor.provider = cluster\n"
                      + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                      + "pekko.remote.artery.canonical.port = 0\n"))
          .build();

  @Test
  void aRunEndingAfterItsJobStoppedIsADeadLetterNotAnError() throws Exception {
    ActorSystem<Void> system = testKit.system();
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              assertTrue(cluster.selfMember().status() == MemberStatus.up());
              return null;
            });
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ClusterJob.init(
        system,
        "slow",
        () -> {
          running.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        Duration.ofMillis(10));
    assertTrue(running.await(20, TimeUnit.SECONDS), "the job runs");

    ActorRef job =
        system
            .classicSystem()
            .actorSelection("/system/sharding/sharded-daemon-process-slow/0/0")
            .resolveOne(Duration.ofSeconds(5))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    // What a stop does: the region hands its shard off, which stops the job's actor mid-run.
    ClusterSharding.get(system.classicSystem())
        .shardRegion("sharded-daemon-process-slow")
        .tell(ShardRegion.gracefulShutdownInstance(), ActorRef.noSender());
    testKit.createTestProbe().expectTerminated(Adapter.toTyped(job), Duration.ofSeconds(20));

    // The run ends now, after its actor: the ending is a dead letter (INFO), and nothing, not
    // Pekko's dead-letter logger failing on a piped null, logs an ERROR.
    LoggingTestKit.info(
            "[org.apache.pekko.Done$] wrapped in [org.apache.pekko.actor.typed.internal.AdaptMessage]")
        .expect(
            system,
            () ->
                LoggingTestKit.empty()
                    .withLogLevel(Level.ERROR)
                    .withOccurrences(0)
                    .expect(
                        system,
                        () -> {
                          release.countDown();
                          return null;
                        }));
  }
}
