package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSecretKeyTest {

  @Test
  void generatesAKeyOnceReadableByItsOwnerOnlyAndKeepsIt(@TempDir Path dataDir) throws Exception {
    Path fresh = dataDir.resolve("not-yet-created");
    String sealed = EmbeddedSecretKey.loadOrCreate(fresh).seal("secret", List.of("t", "s"));

    Path file = fresh.resolve(EmbeddedSecretKey.FILE_NAME);
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
    assertEquals(
        "secret",
        EmbeddedSecretKey.loadOrCreate(fresh).open(sealed, List.of("t", "s")),
        "the next start reads the same key");
    assertEquals(List.of(EmbeddedSecretKey.FILE_NAME), fileNames(fresh), "no draft left behind");
  }

  @Test
  void refusesToStartWithADamagedKeyFileRatherThanReplaceIt(@TempDir Path dataDir)
      throws Exception {
    Path file = dataDir.resolve(EmbeddedSecretKey.FILE_NAME);
    Files.writeString(file, "too-short");

    String message =
        assertThrows(IllegalStateException.class, () -> EmbeddedSecretKey.loadOrCreate(dataDir))
            .getMessage();
    assertTrue(message.contains(file.toString()), message);
    assertEquals("too-short", Files.readString(file), "left as it was");
  }

  private static List<String> fileNames(Path directory) throws Exception {
    try (var files = Files.list(directory)) {
      return files.map(path -> path.getFileName().toString()).toList();
    }
  }
}
