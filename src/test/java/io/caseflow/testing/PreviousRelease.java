package io.caseflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The release before the version being built, as its users run it: its jar, built from its commit
 * in this repository ({@code src/test/resources/releases/previous.properties}, the commit its
 * {@code vX.Y.Z} tag points at) with the same Maven, once per checkout, into {@code
 * target/previous-release/}. A clone without that commit (a shallow one) cannot test an upgrade,
 * and the test says so.
 */
public final class PreviousRelease {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  private final String version;
  private final String commit;

  private PreviousRelease(String version, String commit) {
    this.version = version;
    this.commit = commit;
  }

  public static PreviousRelease recorded() {
    try (InputStream in =
        PreviousRelease.class.getResourceAsStream("/releases/previous.properties")) {
      if (in == null) {
        throw new IllegalStateException("src/test/resources/releases/previous.properties missing");
      }
      Properties properties = new Properties();
      properties.load(in);
      return new PreviousRelease(
          properties.getProperty("version"), properties.getProperty("commit"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String version() {
    return version;
  }

  /** The commit of this release ({@code git show <commit>:<path>} reads its files). */
  public String commit() {
    return commit;
  }

  /** The text of {@code path} in this release, as its commit has it. */
  public String file(String path) throws IOException, InterruptedException {
    return git("show", commit + ":" + path);
  }

  /** The files under {@code directory} in this release. */
  public List<String> files(String directory) throws IOException, InterruptedException {
    return git("ls-tree", "-r", "--name-only", commit, directory).lines().toList();
  }

  private String git(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " failed: release "
              + version
              + "'s commit is not in this clone? (a shallow clone has no history: git fetch"
              + " --unshallow --tags)\n"
              + output);
    }
    return output;
  }

  /** The release's jar, built now unless an earlier test run built it. */
  public synchronized Path jar() throws IOException, InterruptedException {
    Path built = Path.of("target", "previous-release", version, "caseflow.jar").toAbsolutePath();
    if (Files.isRegularFile(built)) {
      return built;
    }
    Path source = Files.createTempDirectory("caseflow-" + version + "-");
    try {
      run(
          List.of(
              "sh",
              "-c",
              "git archive --format=tar \"$0\" | tar -x -C \"$1\"",
              commit,
              source.toString()),
          Path.of("."),
          "release "
              + version
              + "'s commit "
              + commit
              + " is not in this clone (a shallow clone has no history: git fetch --unshallow"
              + " --tags)");
      run(
          List.of(maven(), "-B", "-q", "package", "-DskipTests", "-Dlicense.skip=true"),
          source,
          "release " + version + " did not build");
      Files.createDirectories(built.getParent());
      Files.copy(
          source.resolve("target").resolve("caseflow.jar"),
          built,
          StandardCopyOption.REPLACE_EXISTING);
      return built;
    } finally {
      RunningCaseflow.deleteRecursively(source);
    }
  }

  /** The Maven running this build (failsafe passes its home), else the one on the path. */
  private static String maven() {
    String home = System.getProperty("maven.home", "");
    Path mvn = Path.of(home, "bin", "mvn");
    return !home.isEmpty() && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
  }

  private static void run(List<String> command, Path directory, String failure)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("caseflow-release-build-", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(failure + ": no end within " + BUILD_TIMEOUT);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(failure + ":\n" + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
