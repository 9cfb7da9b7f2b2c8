package io.caseflow.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code java -jar target/caseflow.jar}) as a separate process, as a user
 * runs it: started with environment variables, killed without warning, started again on the same
 * data. Its output goes to {@code service.log} in the data directory.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final Map<String, String> environment;
  private final int port;
  private final int managementPort;
  private final List<String> jvmArgs = new ArrayList<>();
  private Path jar = Path.of(System.getProperty("fatJar", "target/caseflow.jar"));
  private NodeHost host = NodeHost.LOOPBACK;
  private Process process;

  /**
   * Prepares (does not start) a service on free HTTP and management ports with the given data
   * directory.
   */
  public ServiceProcess(Path dataDir, Map<String, String> environment) {
    this.dataDir = dataDir;
    this.environment = new HashMap<>(environment);
    this.port = freePort();
    this.managementPort = freePort();
  }

  public static ServiceProcess onPostgres(Path dataDir, TestPostgres.Database database) {
    Map<String, String> environment = new HashMap<>(database.environment());
    environment.put("CASEFLOW_DEMO_TOKENS", "true");
    environment.put("CASEFLOW_AUDIT_SIGNING_KEY", RunningCaseflow.auditKey(dataDir).toString());
    return new ServiceProcess(dataDir, environment);
  }

  /** Adds a JVM argument (such as {@code -Dcaseflow.…=…}) for the next start. */
  public ServiceProcess withJvmArg(String argument) {
    jvmArgs.add(argument);
    return this;
  }

  /** Runs another build of Caseflow (an earlier release's jar) from the next start on. */
  public ServiceProcess withJar(Path jar) {
    this.jar = jar;
    return this;
  }

  /** Runs the service on {@code host} (a network namespace of its own) from the next start on. */
  public ServiceProcess on(NodeHost host) {
    this.host = host;
    return this;
  }

  /** Drops the JVM arguments given with {@link #withJvmArg}, for the next start. */
  public ServiceProcess withoutJvmArgs() {
    jvmArgs.clear();
    return this;
  }

  public ServiceProcess start() throws IOException {
    assertTrue(Files.isRegularFile(jar), "Build the jar first (mvn package): " + jar);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(host.launcher());
    command.addAll(List.of(java, System.getProperty("service.heap", "-Xmx512m")));
    String propertyJvmArgs = System.getProperty("service.jvmArgs", "").trim();
    if (!propertyJvmArgs.isEmpty()) {
      command.addAll(Arrays.asList(propertyJvmArgs.split("\\s+")));
    }
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("service.log").toFile()));
    builder.environment().put("CASEFLOW_HTTP_PORT", Integer.toString(port));
    builder.environment().put("CASEFLOW_HTTP_INTERFACE", host.address());
    builder.environment().put("CASEFLOW_MANAGEMENT_PORT", Integer.toString(managementPort));
    // the management port binds the node's host, as remoting does
    builder.environment().put("CASEFLOW_NODE_HOST", host.address());
    builder.environment().put("CASEFLOW_DATA_DIR", dataDir.toString());
    // Loads and benchmarks drive few demo users far past a person's rate; RateLimitsIT tests them.
    builder.environment().put("CASEFLOW_RATE_LIMITS", "false");
    builder.environment().putAll(environment);
    process = builder.start();
    return this;
  }

  /** Waits for {@code /health/ready}; fails with the service's output if it does not come. */
  public ApiClient awaitReady() throws InterruptedException {
    ApiClient api = new ApiClient(baseUrl());
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      assertTrue(process.isAlive(), this::output);
      try {
        if (api.get("/health/ready", null).status() == 200) {
          return api;
        }
      } catch (UncheckedIOException notYetListening) {
        // keep waiting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Not ready within " + START_TIMEOUT + ":\n" + output());
  }

  public long pid() {
    return process.pid();
  }

  public String baseUrl() {
    return "http://" + host.address() + ":" + port;
  }

  /** Pekko Management: {@code /alive}, {@code /ready}, {@code /cluster/members}. */
  public String managementUrl() {
    return "http://" + host.address() + ":" + managementPort;
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, as a service manager or Kubernetes stops a process: the JVM runs its shutdown hooks
   * (Pekko's coordinated shutdown), then exits. See {@link #awaitExit} for its end.
   */
  public void terminate() throws IOException, InterruptedException {
    signal("TERM");
  }

  /** SIGSTOP: the process freezes, as in a long GC pause or a suspended VM. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: a frozen process runs on, unaware of the time that passed. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    assertTrue(exit == 0, "kill -" + name + " failed");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit by itself and answers its exit code. */
  public int awaitExit(Duration patience) throws InterruptedException {
    assertTrue(
        process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS), "the service must exit");
    return process.exitValue();
  }

  public String output() {
    try {
      return Files.readString(dataDir.resolve("service.log"));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** How often {@code pattern} occurs in the service's output. */
  public int countInOutput(java.util.regex.Pattern pattern) {
    return (int) pattern.matcher(output()).results().count();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ports this JVM handed out, so that two processes it starts never get the same one. */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final int LOWEST_PORT = 20_000;
  private static final int PORTS_PER_FORK = 3_000;
  private static final int FORKS = 4;

  /**
   * A port that is free now, for a process that binds it seconds later. It is taken below Linux's
   * ephemeral range (32768 and up): a port the kernel picks for {@code new ServerSocket(0)} is one
   * it also gives outgoing connections, and one of those took such a port before a node bound it
   * (BindException at cluster start).
   *
   * <p>Each test fork ({@code test.fork}, set by the build) has a range of its own: forks do not
   * know each other's ports, and a service restarted on its port had found it taken by another
   * fork's service, which then answered the test's requests in its place.
   */
  public static int freePort() {
    int fork = Integer.getInteger("test.fork", 0);
    int lowest = fork < 1 || fork > FORKS ? LOWEST_PORT : LOWEST_PORT + (fork - 1) * PORTS_PER_FORK;
    int highest =
        fork < 1 || fork > FORKS ? LOWEST_PORT + FORKS * PORTS_PER_FORK : lowest + PORTS_PER_FORK;
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = random.nextInt(lowest, highest);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      } catch (IOException taken) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + lowest + " and " + (highest - 1));
  }
}
