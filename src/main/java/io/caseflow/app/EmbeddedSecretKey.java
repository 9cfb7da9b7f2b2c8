package io.caseflow.app;

import io.caseflow.notify.SecretBox;
import io.caseflow.notify.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that encrypts webhook secrets on the embedded default when none is configured: generated
 * once into the data directory, readable by its owner only, and read from there on every later
 * start, so the embedded service encrypts too without any setting. It sits beside the H2 files, so
 * it guards a copied database file, not a copied data directory; a deployment sets
 * CASEFLOW_SECRET_KEY.
 */
final class EmbeddedSecretKey {

  static final String FILE_NAME = "webhook-secret.key";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSecretKey.class);

  private EmbeddedSecretKey() {}

  static SecretBox loadOrCreate(Path dataDir) {
    Path file = dataDir.toAbsolutePath().resolve(FILE_NAME);
    try {
      if (Files.notExists(file)) {
        create(file);
      }
      return SecretBox.ofBase64(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read or create the webhook secret key " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "The webhook secret key file "
              + file
              + " "
              + e.getMessage()
              + ": restore it, or set CASEFLOW_SECRET_KEY to the key it held (deleting it makes"
              + " the stored webhook secrets and every personal value unreadable)");
    }
  }

  private static void create(Path file) throws IOException {
    SecretFiles.writeNew(file, SecretBox.newKeyBase64() + "\n");
    log.info(
        "Generated the key that encrypts webhook secrets and personal data's keys on the embedded"
            + " database: {} (set CASEFLOW_SECRET_KEY instead for a deployment)",
        file);
  }
}
