package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service killed with SIGKILL while cases change and projections apply them: after a
 * restart the read side still ends exact, with nothing skipped and nothing applied twice.
 */
class ReadSideCrashIT {

  @TempDir Path dataDir;

  @Test
  void sigkillMidStreamAndRestartEndsExact() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (ServiceProcess service = ServiceProcess.onPostgres(dataDir, database)) {
      ApiClient api = service.start().awaitReady();
      CompletableFuture<CaseWorkload.Result> interrupted =
          CompletableFuture.supplyAsync(() -> run(new CaseWorkload(api), 96));
      awaitJournalEvents(database, 500);
      service.kill();
      CaseWorkload.Result before = interrupted.get();
      assertTrue(before.actionsAcknowledged() > 0, "the kill came too early to prove anything");
      assertTrue(before.failures() > 0, "the kill came too late to interrupt anything");

      ApiClient restarted = service.start().awaitReady();
      CaseWorkload.Result after = run(new CaseWorkload(restarted), 16);
      assertEquals(0, after.failures());

      List<String> cases = new ArrayList<>(before.caseIds());
      cases.addAll(after.caseIds());
      new ReadSideExpectation(restarted, database, "alice", "acme")
          .awaitExact(cases, Duration.ofSeconds(60));
    }
  }

  /** Waits until the load is well under way (journal rows written), so the kill interrupts it. */
  private static void awaitJournalEvents(TestPostgres.Database database, long events)
      throws Exception {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    while (ReadSideExactnessIT.count(database, ReadSideExactnessIT.CASE_EVENTS) < events) {
      assertTrue(java.time.Instant.now().isBefore(deadline), "the load did not get going");
      Thread.sleep(50);
    }
  }

  private static CaseWorkload.Result run(CaseWorkload workload, int cases) {
    try {
      return workload.run(cases, 25, 8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
