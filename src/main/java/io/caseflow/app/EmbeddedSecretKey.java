package io.caseflow.app;

import io.caseflow.notify.SecretBox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
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
              + " the stored webhook secrets unreadable)");
    }
  }

  /**
   * Written to a file that has its permissions from the start, so the key is never readable by
   * others, and on disk before it is moved into place whole, so a crash cannot leave a half-written
   * key.
   */
  private static void create(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path draft = file.resolveSibling(FILE_NAME + ".new");
    Files.deleteIfExists(draft);
    if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
      Files.createFile(
          draft,
          PosixFilePermissions.asFileAttribute(
              EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    } else {
      Files.createFile(draft);
    }
    try (FileChannel channel = FileChannel.open(draft, StandardOpenOption.WRITE)) {
      channel.write(
          ByteBuffer.wrap((SecretBox.newKeyBase64() + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(true);
    }
    Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE);
    log.info(
        "Generated the key that encrypts webhook secrets on the embedded database: {} (set"
            + " CASEFLOW_SECRET_KEY instead for a deployment)",
        file);
  }
}
