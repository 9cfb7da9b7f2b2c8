package io.caseflow.observe;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.ManagementFactory;

/**
 * Where Micrometer's own meters would break Prometheus's naming rules ({@code promtool check
 * metrics}), the names Prometheus expects instead: the process's CPU time as {@code
 * process_cpu_seconds_total} (Prometheus's own clients' name, in its base unit) rather than {@code
 * process_cpu_time_ns_total}, and the processors as {@code system_cpu_cores}, since a {@code
 * _count} suffix is kept for histograms and summaries.
 */
final class PrometheusNames {

  /** Leaves out the nanosecond CPU counter and renames the processor count. */
  static final MeterFilter FILTER =
      new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
          return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
        }

        @Override
        public MeterFilterReply accept(Meter.Id id) {
          return id.getName().equals("process.cpu.time")
              ? MeterFilterReply.DENY
              : MeterFilterReply.NEUTRAL;
        }
      };

  private PrometheusNames() {}

  /** The CPU time this JVM has used, in seconds, where the JVM tells it. */
  static void processCpuSeconds(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean system) {
      FunctionCounter.builder(
              "process.cpu", system, os -> Math.max(0, os.getProcessCpuTime()) / 1e9)
          .baseUnit("seconds")
          .description("The CPU time the Java virtual machine process has used")
          .register(registry);
    }
  }
}
