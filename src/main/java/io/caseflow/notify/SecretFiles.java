package io.caseflow.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Files that hold keys: readable by their owner only, written whole or not at all, never replaced.
 */
public final class SecretFiles {

  private SecretFiles() {}

  /**
   * Writes {@code content} to a new file. It goes to a draft that has its permissions from the
   * start (so the key is never readable by others) and is on disk before it is moved into place
   * whole (so a crash cannot leave half a key).
   *
   * @throws FileAlreadyExistsException when the file exists: a key is never overwritten
   */
  public static void writeNew(Path file, String content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Path draft = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(draft);
    if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
      Files.createFile(
          draft,
          PosixFilePermissions.asFileAttribute(
              EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    } else {
      Files.createFile(draft);
    }
    try (FileChannel channel = FileChannel.open(draft, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
      channel.force(true);
    }
    Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
