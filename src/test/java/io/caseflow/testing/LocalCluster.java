package io.caseflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Several Caseflow nodes as separate processes of the packaged jar on one PostgreSQL database,
 * forming one cluster through the first two nodes as seeds. Each node has its own data directory,
 * HTTP port and remoting port; everything is removed on close.
 */
public final class LocalCluster implements AutoCloseable {

  private final List<ServiceProcess> nodes = new ArrayList<>();
  private final List<NodeHost> hosts = new ArrayList<>();
  private final List<Path> jars = new ArrayList<>();
  private final List<Map<String, String>> environments = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();

  /** What every node shares: the audit signing key and the checkpoints' export. */
  private Path shared;

  private LocalCluster() {}

  /**
   * Starts {@code size} nodes and waits until each is ready (a member that reaches the database).
   */
  public static LocalCluster start(int size, TestPostgres.Database database) throws Exception {
    return start(size, database, thisBuild());
  }

  /** Starts a node of this build on each of {@code hosts} and waits until each is ready. */
  public static LocalCluster start(List<NodeHost> hosts, TestPostgres.Database database)
      throws Exception {
    return start(hosts, database, thisBuild());
  }

  private static Path thisBuild() {
    return Path.of(System.getProperty("fatJar", "target/caseflow.jar"));
  }

  /** Starts {@code size} nodes of the build {@code jar} and waits until each is ready. */
  public static LocalCluster start(int size, TestPostgres.Database database, Path jar)
      throws Exception {
    return start(Collections.nCopies(size, NodeHost.LOOPBACK), database, jar);
  }

  /**
   * Starts a node on each of {@code hosts} (network namespaces of their own, say), all of the build
   * {@code jar}, and waits until each is ready. The database must be reachable from every host.
   */
  public static LocalCluster start(List<NodeHost> hosts, TestPostgres.Database database, Path jar)
      throws Exception {
    LocalCluster cluster = new LocalCluster();
    int size = hosts.size();
    try {
      List<Integer> remotingPorts = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        remotingPorts.add(ServiceProcess.freePort());
      }
      String seeds =
          IntStream.range(0, Math.min(2, size))
              .mapToObj(i -> hosts.get(i).address() + ":" + remotingPorts.get(i))
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
        environment.put("CASEFLOW_NODE_PORT", Integer.toString(remotingPorts.get(i)));
        environment.put("CASEFLOW_SEED_NODES", seeds);
        cluster.environments.add(environment);
        cluster.hosts.add(hosts.get(i));
        cluster.jars.add(jar);
        cluster.nodes.add(cluster.startNode(i));
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
    jars.set(index, jar);
    return restart(index);
  }

  /**
   * Starts node {@code index} again after it exited, at the same cluster address and of the same
   * build, as a service manager restarts a process that ended: on a fresh data directory (a node
   * keeps nothing of its own in a cluster) and new HTTP ports. Answers the new node once it is
   * ready.
   */
  public ServiceProcess restart(int index) throws Exception {
    if (nodes.get(index).isAlive()) {
      throw new IllegalStateException("node " + index + " is still running");
    }
    ServiceProcess joining = startNode(index);
    nodes.set(index, joining);
    joining.awaitReady();
    return joining;
  }

  private ServiceProcess startNode(int index) throws IOException {
    Path dataDir = Files.createTempDirectory("caseflow-node-" + dataDirs.size() + "-");
    dataDirs.add(dataDir);
    return new ServiceProcess(dataDir, environments.get(index))
        .on(hosts.get(index))
        .withJar(jars.get(index))
        .start();
  }

  public ServiceProcess node(int index) {
    return nodes.get(index);
  }

  public List<ServiceProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** The nodes' HTTP APIs, in node order. */
  public List<String> urls() {
    return urls(nodes);
  }

  /** The HTTP APIs of {@code nodes}. */
  public static List<String> urls(List<ServiceProcess> nodes) {
    return nodes.stream().map(ServiceProcess::baseUrl).toList();
  }

  /** The Pekko Management ports of {@code nodes}. */
  public static List<String> managementUrls(List<ServiceProcess> nodes) {
    return nodes.stream().map(ServiceProcess::managementUrl).toList();
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
