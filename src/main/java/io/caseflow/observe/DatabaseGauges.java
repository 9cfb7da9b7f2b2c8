package io.caseflow.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
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

  /** A query several families are derived from; blocking. */
  @FunctionalInterface
  public interface Query<T> {
    T read() throws Exception;
  }

  /** A family derived from a shared {@link Query}'s result. */
  public record Derived<T>(String name, String description, Function<T, List<Reading>> readings) {}

  /** Families that share one query, which runs once per refresh for all of them. */
  private record Group<T>(Query<T> query, List<Derived<T>> derived, List<MultiGauge> gauges) {

    void refresh() throws Exception {
      T result = query.read();
      for (int i = 0; i < derived.size(); i++) {
        gauges.get(i).register(rows(derived.get(i).readings().apply(result)), true);
      }
    }

    String names() {
      return derived.stream().map(Derived::name).toList().toString();
    }
  }

  private final MeterRegistry registry;
  private final long intervalNanos;
  private final List<Group<?>> groups = new CopyOnWriteArrayList<>();
  private long readAt;
  private boolean read;

  DatabaseGauges(MeterRegistry registry, Duration interval) {
    this.registry = registry;
    this.intervalNanos = interval.toNanos();
  }

  /** Declares a family of gauges, one per reading {@code source} returns. */
  public DatabaseGauges add(String name, String description, Source source) {
    return add(source::read, List.of(new Derived<List<Reading>>(name, description, all -> all)));
  }

  /** Declares families derived from one query's result, read once for all of them. */
  public <T> DatabaseGauges add(Query<T> query, List<Derived<T>> families) {
    groups.add(
        new Group<>(
            query,
            List.copyOf(families),
            families.stream()
                .map(
                    family ->
                        MultiGauge.builder(family.name())
                            .description(family.description())
                            .register(registry))
                .toList()));
    return this;
  }

  synchronized void refreshIfStale() {
    long now = System.nanoTime();
    if (read && now - readAt < intervalNanos) {
      return;
    }
    for (Group<?> group : groups) {
      try {
        group.refresh();
      } catch (Exception e) {
        log.warn("Could not read the figures of {}; their last values stay", group.names(), e);
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
