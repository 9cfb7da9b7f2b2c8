package io.caseflow.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small disk of a test's own: a {@code tmpfs} of a few megabytes mounted on a temporary
 * directory, that the test fills to the last byte and frees again. Mounting needs root; a test run
 * as another user fails saying so.
 */
public final class SmallDisk implements AutoCloseable {

  private static final int BLOCK = 64 * 1024;

  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  public static SmallDisk mount(int megabytes) {
    RootCommands.requireRoot("fills a disk of its own, a tmpfs it mounts (mount -t tmpfs)");
    try {
      Path mountPoint = Files.createTempDirectory("caseflow-small-disk");
      RootCommands.run(
          "mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
      return new SmallDisk(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path path() {
    return mountPoint;
  }

  /** Writes a file until the disk has no byte left; answers how many it took. */
  public long fill() {
    long written = 0;
    byte[] block = new byte[BLOCK];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int size = BLOCK; size > 0; size /= 2) {
        while (true) {
          try {
            out.write(block, 0, size);
            out.flush();
            written += size;
          } catch (IOException full) {
            break;
          }
        }
      }
    } catch (IOException full) {
      // closing the filler may itself report the full disk; what was written stays
    }
    return written;
  }

  /** Deletes what {@link #fill} wrote. */
  public void free() {
    try {
      Files.deleteIfExists(filler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long freeBytes() {
    try {
      return Files.getFileStore(mountPoint).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Unmounts the disk (lazily, should a process still hold a file on it) and removes its mount
   * point.
   */
  @Override
  public void close() {
    RootCommands.run("umount", "-l", mountPoint.toString());
    try {
      Files.deleteIfExists(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
