package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.RestartablePostgres;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The database's disk filled to the last byte under load: commands are refused with {@code 503
 * unavailable} and {@code Retry-After} (the load fails on any other refusal and on a 503 without
 * it), cases and lists of cases are still read (a case being written is read from its journal while
 * its entity restarts after a failed write), nothing acknowledged is lost, and once space is freed
 * the node takes commands again by itself.
 */
class FullDiskIT {

  private static final int CLIENTS = 8;

  private static final Duration FULL_FOR = Duration.ofSeconds(20);

  /** PostgreSQL's data directory, its write-ahead log included, on a disk of 160 MB. */
  @Test
  void aFullPostgresDiskRefusesCommandsKeepsReadsAndRecoversWhenFreed() throws Exception {
    Path dataDir = Files.createTempDirectory("caseflow-full-disk-");
    try (SmallDisk disk = SmallDisk.mount(160);
        RestartablePostgres postgres = new RestartablePostgres(disk.path().resolve("postgres"));
        ServiceProcess node = ServiceProcess.onPostgres(dataDir, postgres.database()).start()) {
      fillUnderLoad("PostgreSQL's", disk, node, Duration.ZERO);
    } finally {
      RunningCaseflow.deleteRecursively(dataDir);
    }
  }

  /**
   * The embedded default's data directory (its H2 file, keys and exported checkpoints) on a disk of
   * 64 MB; the service's log stays off it. H2 closes its database when a write fails, and the node
   * opens it again once there is space. The load pauses between actions: H2 never reuses space in
   * its file (about 20 KB a commit), and at full speed it filled the freed space again within
   * seconds.
   */
  @Test
  void aFullEmbeddedDatabaseDiskRefusesCommandsKeepsReadsAndRecoversWhenFreed() throws Exception {
    Path logDir = Files.createTempDirectory("caseflow-full-disk-");
    try (SmallDisk disk = SmallDisk.mount(64);
        ServiceProcess node =
            new ServiceProcess(
                    logDir, Map.of("CASEFLOW_DATA_DIR", disk.path().resolve("data").toString()))
                .start()) {
      fillUnderLoad("The embedded H2's", disk, node, Duration.ofMillis(100));
    } finally {
      RunningCaseflow.deleteRecursively(logDir);
    }
  }

  private static void fillUnderLoad(
      String store, SmallDisk disk, ServiceProcess node, Duration pause) throws Exception {
    node.awaitReady();
    try (ClusterLoad load =
            new ClusterLoad(List.of(node.baseUrl()), "full", CLIENTS, Duration.ofSeconds(120))
                .pausing(pause);
        Readers readers = new Readers(node.baseUrl(), load.cases())) {
      load.start();
      Thread.sleep(3_000);
      int shedBefore = load.unavailableAnswers();
      long filled = disk.fill();
      readers.start();
      Thread.sleep(FULL_FOR.toMillis());
      Map<String, Integer> readsWhileFull = readers.stop();
      int shed = load.unavailableAnswers() - shedBefore;
      disk.free();
      long freedAt = System.nanoTime();
      Duration recovered = load.awaitEveryCaseAcknowledgedAfter(freedAt);
      Thread.sleep(2_000);
      load.stop();

      int lost = load.verifyJournal(new ApiClient(node.baseUrl()));
      System.out.printf(
          "[full disk] %s disk filled (%d MB written) for %d s under %d clients: %d commands"
              + " refused with 503 %s, reads by status %s, %d acknowledged actions, lost %d;"
              + " every case took commands again %.1f s after space was freed%n",
          store,
          filled / (1024 * 1024),
          FULL_FOR.toSeconds(),
          CLIENTS,
          shed,
          load.unavailableCodes(),
          readsWhileFull,
          load.acknowledged(),
          lost,
          recovered.toMillis() / 1000.0);
      assertTrue(shed > 0, "commands were refused while the disk was full");
      assertEquals(Set.of("unavailable"), load.unavailableCodes());
      assertEquals(
          Set.of("case 200", "list 200"),
          readsWhileFull.keySet(),
          "reads while the disk was full: " + readsWhileFull);
      assertTrue(node.isAlive(), "no restart");
      assertEquals(0, lost);
    }
  }

  /**
   * Reads every case of the load in turn, as case workers looking on, counting answers by status.
   */
  private static final class Readers implements AutoCloseable {

    private final ApiClient api;
    private final List<String> cases;
    private final Map<String, Integer> byStatus = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Readers(String url, List<String> cases) {
      this.api = new ApiClient(url);
      this.cases = cases;
      this.thread = new Thread(this::read, "full-disk-readers");
    }

    void start() {
      thread.start();
    }

    private void read() {
      for (int i = 0; !stop.get(); i++) {
        String caseId = cases.get(i % cases.size());
        Response read = api.get("/cases/" + caseId, "bob");
        byStatus.merge("case " + read.status(), 1, Integer::sum);
        Response list = api.get("/cases?limit=5", "bob");
        byStatus.merge("list " + list.status(), 1, Integer::sum);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Map<String, Integer> stop() throws InterruptedException {
      stop.set(true);
      thread.join();
      return new TreeMap<>(byStatus);
    }

    @Override
    public void close() {
      stop.set(true);
      thread.interrupt();
    }
  }
}
