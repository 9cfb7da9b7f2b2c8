package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.ReplicatedPostgres;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL fails over under load: the primary is killed (SIGKILL) and its synchronous standby
 * promoted, while the packaged service runs on the two-host URL ({@code targetServerType=primary}).
 * The service carries on without a restart: commands answer {@code 503} with {@code Retry-After}
 * meanwhile (the load fails on anything else), every acknowledged action is in the new primary's
 * journal exactly once and nothing else is (checked against each case's history, so a case that
 * wrote on past a lost event would fail it too), the read side matches the journal with no gap and
 * no duplicate, and the time until every case takes commands again is reported.
 */
@Tag("cluster")
class DatabaseFailoverIT {

  private static final int CASES = 12;

  @Test
  void thePrimaryKilledAndTheStandbyPromotedLosesNothingAcknowledged() throws Exception {
    Path dataDir = Files.createTempDirectory("caseflow-failover-");
    try (ReplicatedPostgres postgres = new ReplicatedPostgres();
        ServiceProcess node = ServiceProcess.onPostgres(dataDir, postgres.database()).start()) {
      node.awaitReady();
      try (ClusterLoad load =
          new ClusterLoad(List.of(node.baseUrl()), "failover", CASES, Duration.ofSeconds(90))
              .pausing(Duration.ofMillis(20))) {
        load.start();
        Thread.sleep(5_000);
        int shedBefore = load.unavailableAnswers();
        long killedAt = System.nanoTime();
        postgres.killPrimary();
        Thread.sleep(2_000);
        long promotedAt = System.nanoTime();
        postgres.promoteStandby();
        Duration serving = load.awaitEveryCaseAcknowledgedAfter(promotedAt);
        Thread.sleep(3_000);
        load.stop();

        ApiClient api = new ApiClient(node.baseUrl());
        int lost = load.verifyJournal(api);
        new ReadSideExpectation(api, postgres.database(), "alice", "acme")
            .awaitExact(load.cases(), Duration.ofSeconds(90));
        System.out.printf(
            "[failover] primary killed, standby promoted 2 s later: %d acknowledged actions, %d"
                + " attempts answered 503 and retried, lost %d; every case took commands again"
                + " %.1f s after the promotion (%.1f s after the kill); the longest a case went"
                + " without an acknowledged action: %.1f s%n",
            load.acknowledged(),
            load.unavailableAnswers() - shedBefore,
            lost,
            serving.toMillis() / 1000.0,
            Duration.ofNanos(promotedAt - killedAt).plus(serving).toMillis() / 1000.0,
            load.longestGapAcross(killedAt).toMillis() / 1000.0);
        assertEquals(0, lost);
        assertTrue(node.isAlive(), "the service carried on without a restart");
        assertTrue(
            load.unavailableAnswers() > shedBefore,
            "commands were refused while no primary was up");
      }
    } finally {
      RunningCaseflow.deleteRecursively(dataDir);
    }
  }
}
