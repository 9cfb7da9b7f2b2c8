package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.TestWorkflows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caseflow.jar validate <dir>}: exit 0 for good definitions, 2 with every problem. */
class ValidateCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void validDefinitionsExitZeroAndAreListed() {
    assertEquals(ValidateCommand.VALID, run(TestWorkflows.DIRECTORY.toString()));
    assertTrue(text(out).contains("valid: onboarding v1 (6 states, 7 actions)"), text(out));
  }

  @Test
  void everyProblemOfEveryFileIsListed(@TempDir Path directory) throws Exception {
    String good = Files.readString(TestWorkflows.DIRECTORY.resolve("onboarding.conf"));
    Files.writeString(
        directory.resolve("a.conf"),
        good.replace("initial-state = draft", "initial-state = limbo"));
    Files.writeString(
        directory.resolve("b.conf"),
        good.replace("name = onboarding", "name = other").replace("to = approved", "to = heaven"));

    assertEquals(ValidateCommand.INVALID, run(directory.toString()));
    String problems = text(err);
    assertTrue(problems.contains("a.conf") && problems.contains("limbo"), problems);
    assertTrue(problems.contains("b.conf") && problems.contains("heaven"), problems);
  }

  @Test
  void aMissingDirectoryOrNoArgumentIsRefused(@TempDir Path directory) {
    assertEquals(ValidateCommand.INVALID, run(directory.resolve("absent").toString()));
    assertTrue(text(err).contains("is not a directory"), text(err));
    assertEquals(
        ValidateCommand.INVALID,
        ValidateCommand.run(List.of(), new PrintStream(out), new PrintStream(err)));
  }

  private int run(String directory) {
    return ValidateCommand.run(
        List.of(directory),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
