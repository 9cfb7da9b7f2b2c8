package io.caseflow.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures that live in the database (cases by state, projection lag, webhook backlog, sagas): read
 * when scraped, at most once per interval, so scraping costs a few indexed queries and never a
 * count of the cases (those come from the read side's counters). They describe the whole database,
 * so every node reports the same values: aggregate them across nodes with {@code max}. A family
 * whose query fails keeps its last values and logs why.
 */
public final class DatabaseGauges {

  private static final Logger log = LoggerFactory.getLogger(DatabaseGauges.class);

  /** One gauge value and its labels. */
  public record Reading(Tags tags, double value) {

    public static Reading of(double value, String... labels) {
      return new Reading(Tags.of(labels), value);
    }
  }

  /** What a gauge family reads; blocking. */
  @FunctionalInterface
  public interface Source {
    List<Reading> read() throws Exception;
  }

  private record Family(String name, MultiGauge gauge, Source source) {}

  private final MeterRegistry registry;
  private final long intervalNanos;
  private final List<Family> families = new CopyOnWriteArrayList<>();
  private long readAt;
  private boolean read;

  DatabaseGauges(MeterRegistry registry, Duration interval) {
    this.registry = registry;
    this.intervalNanos = interval.toNanos();
  }

  /** Declares a family of gauges, one per reading {@code source} returns. */
  public DatabaseGauges add(String name, String description, Source source) {
    families.add(
        new Family(
            name, MultiGauge.builder(name).description(description).register(registry), source));
    return this;
  }

  synchronized void refreshIfStale() {
    long now = System.nanoTime();
    if (read && now - readAt < intervalNanos) {
      return;
    }
    for (Family family : families) {
      try {
        family.gauge().register(rows(family.source().read()), true);
      } catch (Exception e) {
        log.warn("Could not read the figures of {}; its last values stay", family.name(), e);
      }
    }
    readAt = now;
    read = true;
  }

  private static List<MultiGauge.Row<?>> rows(List<Reading> readings) {
    return readings.stream()
        .<MultiGauge.Row<?>>map(
            reading -> MultiGauge.Row.of(reading.tags(), reading, Reading::value))
        .toList();
  }
}
