package io.caseflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU seconds a process (or all processes of one name) used, from /proc (Linux). */
final class ProcessCpu {

  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Summed over every process whose command name is {@code name} (e.g. all postgres backends). */
  static double secondsOfAll(String name) {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(path -> name.equals(command(path)))
          .mapToDouble(path -> seconds(Long.parseLong(path.getFileName().toString())))
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String command(Path process) {
    try {
      return Files.readString(process.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
