package io.caseflow.jdbc;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a write (the journal's, a projection's, an audit checkpoint's) while the embedded H2
 * database's disk is all but full. H2 closes its whole database when a write fails for want of
 * space, and every reader on it then fails too until a new connection opens it again; refused here,
 * the write touches nothing, the command is answered {@code 503 unavailable} as for any failed
 * write, and the cases and lists go on being read. Space is looked at before each write (one {@code
 * statvfs}); on PostgreSQL, whose failed write fails alone, nothing is looked at.
 */
public final class EmbeddedDiskHeadroom {

  /** H2 appends every commit to its file (about 20 KB each): room for a few hundred of them. */
  public static final long MIN_FREE_BYTES = 16L * 1024 * 1024;

  private static final String H2_FILE = "jdbc:h2:file:";

  /** SQL's class 53 (insufficient resources), PostgreSQL's {@code disk_full}. */
  private static final String DISK_FULL = "53100";

  /**
   * The disk of each database URL seen, found once: nodes in one JVM have databases of their own.
   */
  private static final Map<String, Optional<FileStore>> DISKS = new ConcurrentHashMap<>();

  private EmbeddedDiskHeadroom() {}

  /** Throws, with SQL state {@code 53100}, while the disk has less than the headroom free. */
  public static void check(Connection connection) throws SQLException {
    check(connection, MIN_FREE_BYTES);
  }

  static void check(Connection connection, long minFreeBytes) throws SQLException {
    String url = connection.getMetaData().getURL();
    Optional<FileStore> disk = DISKS.get(url);
    if (disk == null) {
      disk = diskOf(url);
      DISKS.put(url, disk);
    }
    if (disk.isEmpty()) {
      return;
    }
    long free;
    try {
      free = disk.get().getUsableSpace();
    } catch (IOException e) {
      throw new SQLException("Cannot tell the free space of " + disk.get(), DISK_FULL, e);
    }
    if (free < minFreeBytes) {
      throw new SQLException(
          "The embedded database's disk has "
              + free
              + " bytes free, under the "
              + minFreeBytes
              + " a write needs left: refused before H2 closes its database",
          DISK_FULL);
    }
  }

  /** The disk of an embedded H2 file database's URL; none for any other database. */
  static Optional<FileStore> diskOf(String url) throws SQLException {
    if (url == null || !url.startsWith(H2_FILE)) {
      return Optional.empty();
    }
    String file = url.substring(H2_FILE.length()).split(";", 2)[0];
    Path directory = Path.of(file).toAbsolutePath().getParent();
    try {
      return Optional.of(Files.getFileStore(directory));
    } catch (IOException e) {
      throw new SQLException("Cannot find the disk of " + directory, DISK_FULL, e);
    }
  }
}
