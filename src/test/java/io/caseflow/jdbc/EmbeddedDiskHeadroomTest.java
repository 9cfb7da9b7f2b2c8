package io.caseflow.jdbc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.app.Storage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDiskHeadroomTest {

  @TempDir Path dataDir;

  @Test
  void aWriteIsRefusedWhileTheEmbeddedDatabasesDiskHasLessThanTheHeadroomFree()
      throws SQLException {
    try (Connection connection = embedded()) {
      SQLException refused =
          assertThrows(
              SQLException.class, () -> EmbeddedDiskHeadroom.check(connection, Long.MAX_VALUE));
      assertEquals("53100", refused.getSQLState());
      assertTrue(refused.getMessage().contains("refused before H2 closes its database"));
    }
  }

  @Test
  void aWriteGoesOnWhileTheDiskHasRoom() throws SQLException {
    try (Connection connection = embedded()) {
      assertDoesNotThrow(() -> EmbeddedDiskHeadroom.check(connection, 1));
    }
  }

  @Test
  void onlyAnEmbeddedFileDatabaseHasADiskToLookAt() throws SQLException {
    assertTrue(EmbeddedDiskHeadroom.diskOf("jdbc:postgresql://db:5432/caseflow").isEmpty());
    assertTrue(EmbeddedDiskHeadroom.diskOf(Storage.embeddedUrl(dataDir)).isPresent());
  }

  private Connection embedded() throws SQLException {
    return DriverManager.getConnection(Storage.embeddedUrl(dataDir), "sa", "");
  }
}
