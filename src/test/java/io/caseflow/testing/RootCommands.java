package io.caseflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Commands a test runs on its machine as root ({@code mount}, {@code ip netns}): each runs to its
 * end, and one that fails fails the test with its output.
 */
final class RootCommands {

  private RootCommands() {}

  /** Fails, saying why the test needs root, unless it runs as root. */
  static void requireRoot(String why) {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "This test " + why + ", which needs root: run it as root, as .ci/run does.");
    }
  }

  /** Runs the command and answers its output (standard output and error together). */
  static String run(String... command) {
    try {
      Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
