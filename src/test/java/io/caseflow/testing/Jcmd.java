package io.caseflow.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Diagnostic commands to a running JVM of the service, with the JDK's {@code jcmd}. */
public final class Jcmd {

  private Jcmd() {}

  /** What {@code jcmd <pid> <command>} printed. */
  public static String run(long pid, String command) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Process process =
        new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor(60, TimeUnit.SECONDS);
    return output;
  }

  /** One of the JVM's performance counters, such as {@code java.threads.started}. */
  public static long counter(long pid, String name) throws IOException, InterruptedException {
    String counters = run(pid, "PerfCounter.print");
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)").matcher(counters);
    if (!value.find()) {
      throw new IllegalStateException("No counter " + name + " in: " + counters);
    }
    return Long.parseLong(value.group(1));
  }
}
