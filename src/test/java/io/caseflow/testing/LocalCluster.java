package io.caseflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Several Caseflow nodes as separate processes of the packaged jar on one PostgreSQL database,
 * forming one cluster through the first two nodes as seeds. Each node has its own data directory,
 * HTTP port and remoting port; everything is removed on close.
 */
public final class LocalCluster implements AutoCloseable {

  private final List<ServiceProcess> nodes = new ArrayList<>();
  private final List<Map<String, String>> environments = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();

  /** What every node shares: the audit signing key and the checkpoints' export. */
  private Path shared;

  private LocalCluster() {}

  /**
   * Starts {@code size} nodes and waits until each is ready (a member that reaches the database).
   */
  public static LocalCluster start(int size, TestPostgres.Database database) throws Exception {
    return start(size, database, Path.of(System.getProperty("fatJar", "target/caseflow.jar")));
  }

  /** Starts {@code size} nodes of the build {@code jar} and waits until each is ready. */
  public static LocalCluster start(int size, TestPostgres.Database database, Path jar)
      throws Exception {
    LocalCluster cluster = new LocalCluster();
    try {
      List<Integer> remotingPorts = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        remotingPorts.add(ServiceProcess.freePort());
      }
      String seeds =
          remotingPorts.subList(0, Math.min(2, size)).stream()
              .map(port -> "127.0.0.1:" + port)
              .collect(Collectors.joining(","));
      Path shared = Files.createTempDirectory("caseflow-cluster-");
      cluster.shared = shared;
      for (int i = 0; i < size; i++) {
        Map<String, String> environment = new HashMap<>();
        environment.putAll(database.environment());
        // one key signs every node's checkpoints, exported into one directory
        environment.put("CASEFLOW_AUDIT_SIGNING_KEY", RunningCaseflow.auditKey(shared).toString());
        environment.put(
            "CASEFLOW_AUDIT_EXPORT_DIR", shared.resolve("audit-checkpoints").toString());
        environment.put("CASEFLOW_DEMO_TOKENS", "true");
        environment.put("CASEFLOW_NODE_HOST", "127.0.0.1");
        environment.put("CASEFLOW_NODE_PORT", Integer.toString(remotingPorts.get(i)));
        environment.put("CASEFLOW_SEED_NODES", seeds);
        cluster.environments.add(environment);
        cluster.nodes.add(cluster.startNode(environment, jar));
      }
      for (ServiceProcess node : cluster.nodes) {
        node.awaitReady();
      }
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Replaces node {@code index} by a node of the build {@code jar} at the same cluster address, as
   * a rolling upgrade does: SIGTERM (the node leaves the cluster and hands its shards over), its
   * exit, then the new node, started on a fresh data directory. Answers the new node once it is
   * ready.
   */
  public ServiceProcess replace(int index, Path jar, Duration patience) throws Exception {
    ServiceProcess leaving = nodes.get(index);
    leaving.terminate();
    leaving.awaitExit(patience);
    ServiceProcess joining = startNode(environments.get(index), jar);
    nodes.set(index, joining);
    joining.awaitReady();
    return joining;
  }

  private ServiceProcess startNode(Map<String, String> environment, Path jar) throws IOException {
    Path dataDir = Files.createTempDirectory("caseflow-node-" + dataDirs.size() + "-");
    dataDirs.add(dataDir);
    return new ServiceProcess(dataDir, environment).withJar(jar).start();
  }

  public ServiceProcess node(int index) {
    return nodes.get(index);
  }

  public List<ServiceProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** Stops every node, keeps their logs in {@code target/cluster-logs/}, removes their data. */
  @Override
  public void close() {
    nodes.forEach(ServiceProcess::close);
    Path logs = Path.of("target", "cluster-logs");
    for (int i = 0; i < dataDirs.size(); i++) {
      try {
        Files.createDirectories(logs);
        Files.copy(
            dataDirs.get(i).resolve("service.log"),
            logs.resolve(dataDirs.get(i).getFileName() + ".log"),
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        // No log to keep: the node never started.
      }
    }
    dataDirs.forEach(RunningCaseflow::deleteRecursively);
    if (shared != null) {
      RunningCaseflow.deleteRecursively(shared);
    }
  }
}
