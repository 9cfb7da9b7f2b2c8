package io.caseflow.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash of what a definition means: the way it is written does not count, what it says does. */
class DefinitionHashTest {

  private static final String DEFINITION =
      """
      name = review
      version = 1
      states = [open, done]
      initial-state = open
      terminal-states = [done]
      roles = [clerk]
      actions = [ { name = finish, from = [open], to = done, roles = [clerk] } ]
      deadlines = [ { state = open, after = 72h, action = finish } ]
      """;

  @TempDir Path dir;

  @Test
  void commentsWhitespaceKeyOrderQuotingAndPathsAreNoChange() {
    String rewritten =
        """
        # Reviews, as first deployed.

        version   =   1
        name = "review"
        roles = [ "clerk" ]
        initial-state = open
        states = [
          open,   // where every review starts
          done
        ]
        terminal-states = [done]
        actions = [
          {
            roles = [clerk], to = done
            from = [open]
            name = finish
          }
        ]
        deadlines = [ { action = finish, after = "72h", state = open } ]
        """;

    assertEquals(DefinitionHash.of(DEFINITION), DefinitionHash.of(rewritten));
  }

  @Test
  void aChangedValueAnAddedKeyOrAReorderedListIsAChange() {
    String hash = DefinitionHash.of(DEFINITION);

    for (String changed :
        List.of(
            DEFINITION.replace("after = 72h", "after = 2s"),
            DEFINITION.replace("after = 72h", "after = 3d"),
            DEFINITION + "open-roles = [clerk]\n",
            DEFINITION.replace("states = [open, done]", "states = [done, open]"),
            DEFINITION.replace("version = 1", "version = 2"))) {
      assertNotEquals(hash, DefinitionHash.of(changed), changed);
    }
  }

  @Test
  void isSixtyFourHexDigitsOfSha256() {
    assertTrue(DefinitionHash.of(DEFINITION).matches("[0-9a-f]{64}"));
    assertEquals(
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        DefinitionHash.of("{}"),
        "the canonical form of an empty definition is {}");
  }

  @Test
  void theRegistryKnowsEachVersionsFileAndHash() throws IOException {
    Path file = dir.resolve("review.conf");
    Files.writeString(file, DEFINITION);

    assertEquals(
        List.of(new WorkflowSource("review", 1, file.toString(), DefinitionHash.of(DEFINITION))),
        WorkflowRegistry.fromDirectory(dir).sources());
    assertEquals(
        List.of(),
        WorkflowRegistry.of(WorkflowRegistry.fromDirectory(dir).all()).sources(),
        "definitions built in code have no file");
  }
}
