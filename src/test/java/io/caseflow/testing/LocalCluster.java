package io.caseflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  private final List<Path> dataDirs = new ArrayList<>();

  /** What every node shares: the audit signing key and the checkpoints' export. */
  private Path shared;

  private LocalCluster() {}

  /**
   * Starts {@code size} nodes and waits until each is ready (a member that reaches the database).
   */
  public static LocalCluster start(int size, TestPostgres.Database database) throws Exception {
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
        Path dataDir = Files.createTempDirectory("caseflow-node-" + i + "-");
        cluster.dataDirs.add(dataDir);
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
        cluster.nodes.add(new ServiceProcess(dataDir, environment).start());
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
    for (int i = 0; i < nodes.size(); i++) {
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
