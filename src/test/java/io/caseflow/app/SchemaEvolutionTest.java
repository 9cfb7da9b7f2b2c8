package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.caseflow.testing.PreviousRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The schema evolves by expand and contract, so that during a rolling upgrade the previous release
 * keeps working on the schema the first new node migrated: the previous release's migrations stay
 * as they were (Flyway refuses to start on a changed one), and a migration added since only
 * expands: it drops, renames or narrows nothing the previous release reads or writes. Removing what
 * is no longer used waits for a release after the one that stopped using it.
 */
class SchemaEvolutionTest {

  /**
   * What the previous release may rely on, undone: a dropped table or column, a renamed one, a
   * changed type, a column made required, or a required column added without a default (the
   * previous release's inserts do not fill it).
   */
  static final Pattern CONTRACTS =
      Pattern.compile(
          "DROP\\s+(TABLE|COLUMN|VIEW)\\b|\\bRENAME\\b|ALTER\\s+COLUMN\\s+\\S+\\s+(SET\\s+DATA\\s+)?TYPE\\b"
              + "|SET\\s+NOT\\s+NULL|ADD\\s+(COLUMN\\s+)?(?![^;,]*\\bDEFAULT\\b)[^;,]*\\bNOT\\s+NULL\\b",
          Pattern.CASE_INSENSITIVE);

  private final PreviousRelease previous = PreviousRelease.recorded();

  @Test
  void thePreviousReleasesMigrationsAreUnchanged() throws Exception {
    List<String> changed = new ArrayList<>();
    for (String path : previous.files("db")) {
      Path today = Path.of(path);
      if (!Files.isRegularFile(today)) {
        changed.add(path + " (removed)");
      } else if (!Files.readString(today).equals(previous.file(path))) {
        changed.add(path);
      }
    }
    assertEquals(
        List.of(),
        changed,
        "migrations of release " + previous.version() + " changed: write a new migration instead");
  }

  @Test
  void migrationsSinceThePreviousReleaseOnlyExpand() throws Exception {
    List<String> released = previous.files("db");
    List<String> contracting = new ArrayList<>();
    for (Path migration : migrations()) {
      String path = migration.toString().replace('\\', '/');
      if (!released.contains(path)) {
        contracting.addAll(contractions(path, Files.readString(migration)));
      }
    }
    assertEquals(
        List.of(),
        contracting,
        "a migration since release "
            + previous.version()
            + " contracts the schema, which that release's nodes still use during a rolling"
            + " upgrade: expand now, contract in a later release");
  }

  /** The check itself says no: each kind of contraction, and none in an expansion. */
  @Test
  void contractionsAreFound() {
    for (String sql :
        List.of(
            "ALTER TABLE cases DROP COLUMN title;",
            "DROP TABLE webhooks;",
            "ALTER TABLE cases RENAME COLUMN title TO name;",
            "ALTER TABLE cases ALTER COLUMN title TYPE TEXT;",
            "ALTER TABLE cases ALTER COLUMN title SET NOT NULL;",
            "ALTER TABLE cases ADD COLUMN priority INT NOT NULL;")) {
      assertFalse(contractions("V99__x.sql", sql).isEmpty(), sql);
    }
    assertEquals(
        List.of(),
        contractions(
            "V99__x.sql",
            "CREATE TABLE documents (id TEXT NOT NULL PRIMARY KEY);\n"
                + "ALTER TABLE cases ADD COLUMN priority INT NOT NULL DEFAULT 0;\n"
                + "ALTER TABLE cases ADD COLUMN note TEXT;\n"
                + "CREATE INDEX cases_by_priority ON cases (priority);"));
  }

  private static List<String> contractions(String path, String sql) {
    List<String> found = new ArrayList<>();
    String code = sql.replaceAll("--[^\\n]*", "");
    Matcher matcher = CONTRACTS.matcher(code);
    while (matcher.find()) {
      found.add(path + ": " + matcher.group().trim());
    }
    return found;
  }

  private static List<Path> migrations() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("db"))) {
      return files.filter(file -> file.toString().endsWith(".sql")).sorted().toList();
    }
  }
}
