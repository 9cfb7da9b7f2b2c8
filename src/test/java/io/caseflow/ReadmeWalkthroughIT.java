package io.caseflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell blocks, pasted in order as a newcomer would, into one shell, against the
 * packaged service started as the README says: the walkthrough cannot drift from what the service
 * does.
 *
 * <p>Every {@code sh} block runs, in order, unless an HTML comment right before it says {@code <!--
 * walkthrough: skip, <why> -->} (a build, the test suite, a cluster of three nodes). A block after
 * {@code <!-- walkthrough: service -->} starts the service: its last line is the command ({@code
 * [VARIABLE=value …] java -jar target/caseflow.jar}, after a build command and {@code &&} if it has
 * one, which is not run: the suite has built the jar); the service running before it is stopped
 * first (SIGTERM), as a reader would stop it, and the next block waits until the new one is ready.
 * A block fails the test when one of its commands fails (its exit status; a pipeline's last failing
 * part) or when a {@code curl} of it is answered with another status than the comment right under
 * its command names ({@code # 201 …}, {@code # HTTP/1.1 409 Conflict}); with no status there, any
 * {@code 2xx} is expected. A live stream ({@code curl -N}) is read for three seconds.
 *
 * <p>It runs in a directory of its own holding {@code conf/} and the jar as {@code
 * target/caseflow.jar}, so relative paths and {@code ./data} stay there, with free ports in place
 * of the README's 8080 (the API), 7626 (the management port) and 9090 (a webhook receiver). The
 * script it runs is kept as {@code target/walkthrough/walkthrough.sh}, with the service's logs
 * beside it.
 */
class ReadmeWalkthroughIT {

  private static final Path README = Path.of("README.md");
  private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
  private static final Pattern DIRECTIVE = Pattern.compile("^<!-- walkthrough: (.+?) -->$");
  private static final Pattern STATUS =
      Pattern.compile("^#\\s*(?:HTTP/1\\.[01]\\s+)?([1-5]\\d\\d)\\b");
  private static final Pattern CURL = Pattern.compile("(?<![\\w-])curl(?=\\s)");
  private static final Pattern SERVICE_COMMAND =
      Pattern.compile(
          "^(?:.*&&\\s*)?((?:[A-Z_]+=\\S+\\s+)*java\\s+(?:-\\S+\\s+)*-jar\\s+target/caseflow\\.jar.*)$");

  /** The README's fixed ports: the API, the management port, a webhook receiver. */
  private static final Pattern PORTS = Pattern.compile("(?<![\\w.])(8080|7626|9090)(?!\\w)");

  private static final Pattern HERE_DOCUMENT = Pattern.compile("<<-?'?([A-Za-z_]+)'?");
  private static final Path KEPT = Path.of("target/walkthrough");

  @TempDir Path home;

  /** One fenced block of the README: where it starts, its lines, and what the comment says. */
  private record Block(int firstLine, List<String> lines, Optional<String> directive) {}

  @Test
  void theReadmesShellBlocksRunInOrderAgainstAFreshService() throws Exception {
    assertTrue(
        new ProcessBuilder("sh", "-c", "command -v jq && command -v curl").start().waitFor() == 0,
        "the walkthrough uses curl and jq: apt-get install curl jq");
    List<Block> blocks = shellBlocks(Files.readAllLines(README, StandardCharsets.UTF_8));
    List<String> skipped = new ArrayList<>();
    int port = ServiceProcess.freePort();
    int managementPort = ServiceProcess.freePort();
    Files.createDirectories(home.resolve("target"));
    Files.createSymbolicLink(
        home.resolve("target/caseflow.jar"), Path.of("target/caseflow.jar").toAbsolutePath());
    copy(Path.of("conf"), home.resolve("conf"));

    Script script = new Script(port, managementPort, ServiceProcess.freePort());
    boolean started = false;
    for (Block block : blocks) {
      String directive = block.directive().orElse("");
      if (directive.startsWith("skip")) {
        assertTrue(
            directive.matches("skip, \\S.*"),
            "README:" + block.firstLine() + " skips without a reason");
        skipped.add("README.md:" + block.firstLine() + " (" + directive.substring(6) + ")");
      } else if (directive.equals("service")) {
        script.restart(block);
        started = true;
      } else if (directive.equals("service stopped")) {
        assertTrue(started, "README:" + block.firstLine() + " stops a service none started");
        script.whileStopped(block);
      } else {
        assertTrue(
            directive.isEmpty(),
            "README:" + block.firstLine() + ": unknown directive " + directive);
        assertTrue(
            started, "README:" + block.firstLine() + " runs before any block starts the service");
        script.run(block);
      }
    }
    Files.createDirectories(KEPT);
    Path file = KEPT.resolve("walkthrough.sh");
    Files.writeString(file, script.text());
    Files.writeString(home.resolve("walkthrough.sh"), script.text());

    Process bash =
        new ProcessBuilder("bash", "walkthrough.sh")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("walkthrough.log").toFile())
            .start();
    boolean finished = bash.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly().waitFor();
    }
    keepLogs();
    String output = Files.readString(home.resolve("walkthrough.log"));
    System.out.println("Skipped README blocks: " + skipped);
    assertTrue(finished, "the walkthrough did not finish in 10 minutes:\n" + tail(output));
    assertEquals(0, bash.exitValue(), "the walkthrough failed:\n" + tail(output));
    assertTrue(output.contains("@@walkthrough done@@"), tail(output));
  }

  /** The shell script the blocks become, with the README line each of its lines came from. */
  private static final class Script {

    private final StringBuilder text = new StringBuilder();
    private final Map<String, String> ports;
    private int services;
    private String service;

    Script(int port, int managementPort, int receiverPort) {
      this.ports =
          Map.of(
              "8080", "\\$CASEFLOW_HTTP_PORT",
              "7626", "\\$CASEFLOW_MANAGEMENT_PORT",
              "9090", Integer.toString(receiverPort));
      text.append(
          """
          #!/usr/bin/env bash
          # Generated by ReadmeWalkthroughIT from README.md: the README's shell blocks in order.
          set -uo pipefail
          set -E
          export CASEFLOW_HTTP_PORT=%d CASEFLOW_MANAGEMENT_PORT=%d
          __service=""
          __at=""
          __stop() {
            if [ -n "$__service" ]; then
              kill -TERM "$__service" 2>/dev/null || true
              wait "$__service" 2>/dev/null || true
              __service=""
            fi
          }
          __finish() {
            local status=$?
            trap - ERR
            __stop
            kill $(jobs -p) 2>/dev/null || true
            exit $status
          }
          trap __finish EXIT
          __failed() {
            echo "@@walkthrough failed at $__at: exit $1 of: $2@@"
            exit 1
          }
          trap '__failed $? "$BASH_COMMAND"' ERR
          __await_ready() {
            for _ in $(seq 1 120); do
              if command curl -fs "localhost:$CASEFLOW_HTTP_PORT/health/ready" >/dev/null; then
                return 0
              fi
              sleep 1
            done
            echo "@@walkthrough: the service did not get ready, at $__at@@"
            exit 1
          }
          # curl, as the README calls it, checked: the status against the one the README names
          # (argument 2: a number, or 2xx), a live stream (-N) read for 3 s.
          __curl() {
            local at=$1 expected=$2
            shift 2
            local stream=()
            for argument in "$@"; do
              if [[ $argument =~ ^-[a-zA-Z]*N[a-zA-Z]*$ || $argument == --no-buffer ]]; then
                stream=(--max-time 3)
              fi
            done
            local out status code=0
            out=$(mktemp)
            status=$(command curl "${stream[@]}" -o "$out" -w '%%{http_code}' "$@") || code=$?
            cat "$out"
            rm -f "$out"
            if [[ $code -eq 28 && ${#stream[@]} -gt 0 ]]; then
              code=0
            fi
            if [[ $code -ne 0 ]]; then
              echo "@@walkthrough failed at $at: curl exited $code@@"
              exit 1
            fi
            if [[ $expected == 2xx && $status != 2?? || $expected != 2xx && $status != "$expected" ]]; then
              echo "@@walkthrough failed at $at: answered $status, the README says $expected@@"
              exit 1
            fi
          }
          """
              .formatted(port, managementPort));
    }

    void restart(Block block) {
      String last = block.lines().get(block.lines().size() - 1).strip();
      Matcher command = SERVICE_COMMAND.matcher(last);
      assertTrue(
          command.matches(),
          "README:"
              + block.firstLine()
              + ": a service block ends with java -jar target/caseflow.jar");
      service = command.group(1);
      at(block.firstLine() + block.lines().size());
      text.append("__stop\n");
      start();
    }

    /** The block's commands with the service stopped, as its text asks; then it starts again. */
    void whileStopped(Block block) {
      text.append("__stop\n");
      run(block);
      start();
    }

    private void start() {
      services++;
      text.append(service)
          .append(" > service-")
          .append(services)
          .append(".log 2>&1 &\n")
          .append("__service=$!\n")
          .append("__await_ready\n");
    }

    /**
     * The block's lines as they are, but for the ports, {@code curl} made the checked {@code
     * __curl}, and a note of the README line before each command (not inside a continued command or
     * a here-document).
     */
    void run(Block block) {
      List<String> lines = block.lines();
      boolean continued = false;
      String hereDocument = null;
      for (int i = 0; i < lines.size(); i++) {
        int readmeLine = block.firstLine() + 1 + i;
        String line = lines.get(i);
        if (hereDocument != null) {
          text.append(PORTS.matcher(line).replaceAll(port -> ports.get(port.group(1))))
              .append('\n');
          if (line.strip().equals(hereDocument)) {
            hereDocument = null;
          }
          continue;
        }
        if (!continued && (line.isBlank() || line.strip().startsWith("#"))) {
          text.append(line).append('\n');
          continue;
        }
        if (!continued) {
          at(readmeLine);
        }
        String ported = PORTS.matcher(line).replaceAll(port -> ports.get(port.group(1)));
        String checked =
            CURL.matcher(ported)
                .replaceAll(
                    Matcher.quoteReplacement(
                        "__curl README.md:" + readmeLine + " " + expectedStatus(lines, i)));
        text.append(checked).append('\n');
        Matcher here = HERE_DOCUMENT.matcher(line);
        if (here.find()) {
          hereDocument = here.group(1);
        }
        continued = line.stripTrailing().endsWith("\\");
      }
    }

    /**
     * The status the comments right under the command of line {@code i} name (the first that starts
     * with one), or 2xx.
     */
    private static String expectedStatus(List<String> lines, int i) {
      int end = i;
      while (end < lines.size() - 1 && lines.get(end).stripTrailing().endsWith("\\")) {
        end++;
      }
      for (int next = end + 1;
          next < lines.size() && lines.get(next).strip().startsWith("#");
          next++) {
        Matcher status = STATUS.matcher(lines.get(next).strip());
        if (status.find()) {
          return status.group(1);
        }
      }
      return "2xx";
    }

    private void at(int readmeLine) {
      text.append("__at=README.md:").append(readmeLine).append('\n');
    }

    String text() {
      return text + "echo @@walkthrough done@@\n";
    }
  }

  /** The README's {@code sh} blocks, each with the directive of the comment just before it. */
  private static List<Block> shellBlocks(List<String> readme) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      Matcher fence = FENCE.matcher(readme.get(i));
      if (!fence.matches() || fence.group(1).isEmpty()) {
        continue;
      }
      int start = i;
      List<String> lines = new ArrayList<>();
      for (i++; i < readme.size() && !readme.get(i).startsWith("```"); i++) {
        lines.add(readme.get(i));
      }
      if (fence.group(1).equals("sh")) {
        blocks.add(new Block(start + 1, lines, directiveBefore(readme, start)));
      }
    }
    return blocks;
  }

  private static Optional<String> directiveBefore(List<String> readme, int fence) {
    for (int j = fence - 1; j >= 0 && !readme.get(j).isBlank(); j--) {
      Matcher directive = DIRECTIVE.matcher(readme.get(j).strip());
      if (directive.matches()) {
        return Optional.of(directive.group(1));
      }
    }
    return Optional.empty();
  }

  private void keepLogs() throws IOException {
    try (var files = Files.list(home)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
        Files.copy(file, KEPT.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
