package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API document is clean under the two OpenAPI linters integrators run on it: Redocly CLI's
 * recommended rules with every warning an error, and Spectral's OpenAPI rules failing on any
 * warning (one rule off, with its reason, in {@code src/test/lint/.spectral.yaml}). Both come from
 * the npm registry at the versions {@code src/test/lint/package-lock.json} pins, installed into
 * {@code target/openapi-lint}; {@code .ci/run} installs Node.js and npm where they are missing.
 */
class OpenApiLintIT {

  private static final Path SOURCES = Path.of("src/test/lint");
  private static final Path WORK = Path.of("target/openapi-lint");
  private static final Path DOCUMENT = Path.of("src/main/resources/openapi.yaml").toAbsolutePath();

  @BeforeAll
  static void installTheLinters() throws Exception {
    Files.createDirectories(WORK);
    for (String file :
        List.of("package.json", "package-lock.json", "redocly.yaml", ".spectral.yaml")) {
      Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Run install = run("npm", "ci", "--no-audit", "--no-fund");
    assertEquals(0, install.exit(), "npm ci of the linters failed:\n" + install.output());
  }

  @Test
  void redoclyFindsNothing() throws Exception {
    Run lint =
        run(
            "npx",
            "--no-install",
            "redocly",
            "lint",
            "--config",
            "redocly.yaml",
            DOCUMENT.toString());
    assertEquals(0, lint.exit(), lint.output());
    assertTrue(lint.output().contains("Your API description is valid"), lint.output());
  }

  @Test
  void spectralFindsNothing() throws Exception {
    Run lint =
        run(
            "npx",
            "--no-install",
            "spectral",
            "lint",
            "--fail-severity=warn",
            "--ruleset",
            ".spectral.yaml",
            DOCUMENT.toString());
    assertEquals(0, lint.exit(), lint.output());
    assertTrue(
        lint.output().contains("No results with a severity of 'warn' or higher"), lint.output());
  }

  private record Run(int exit, String output) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    Path log = WORK.resolve(command[0] + ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(line)
              .directory(WORK.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException missing) {
      throw new AssertionError(
          line.get(0)
              + " is missing: install Node.js and npm (apt-get install nodejs npm), which the"
              + " OpenAPI linters run on",
          missing);
    }
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (!finished) {
      throw new AssertionError(String.join(" ", line) + " did not finish:\n" + output);
    }
    return new Run(process.exitValue(), output);
  }
}
