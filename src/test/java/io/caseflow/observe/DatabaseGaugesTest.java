package io.caseflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.observe.DatabaseGauges.Reading;
import io.caseflow.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DatabaseGaugesTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void zeroValuesAreReportedAndSurviveGarbageCollection() {
    DatabaseGauges gauges =
        new DatabaseGauges(registry, Duration.ZERO)
            .add(
                "test.cases",
                "cases",
                () ->
                    List.of(Reading.of(0, "state", "draft"), Reading.of(3, "state", "in_review")));
    gauges.refreshIfStale();
    System.gc();

    PrometheusText scrape = PrometheusText.parse(registry.scrape());
    assertEquals(0, scrape.sum("test_cases", "state", "draft"));
    assertEquals(3, scrape.sum("test_cases", "state", "in_review"));
  }

  @Test
  void readsAtMostOncePerIntervalAndKeepsTheLastValuesWhenAReadFails() {
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    DatabaseGauges gauges =
        new DatabaseGauges(registry, Duration.ofHours(1))
            .add(
                "test.backlog",
                "backlog",
                () -> {
                  reads.incrementAndGet();
                  if (failure.get() != null) {
                    throw failure.get();
                  }
                  return List.of(Reading.of(7, "status", "pending"));
                });
    gauges.refreshIfStale();
    gauges.refreshIfStale();
    assertEquals(1, reads.get(), "a second scrape within the interval reads nothing");

    DatabaseGauges failing =
        new DatabaseGauges(registry, Duration.ZERO)
            .add(
                "test.failing",
                "failing",
                () -> {
                  if (failure.get() != null) {
                    throw failure.get();
                  }
                  return List.of(Reading.of(5, "status", "dead"));
                });
    failing.refreshIfStale();
    failure.set(new SQLException("database down"));
    failing.refreshIfStale();

    PrometheusText scrape = PrometheusText.parse(registry.scrape());
    assertEquals(7, scrape.sum("test_backlog", "status", "pending"));
    assertEquals(5, scrape.sum("test_failing", "status", "dead"), "the last values stay");
  }

  @Test
  void familiesDerivedFromOneQueryReadItOnce() {
    AtomicInteger reads = new AtomicInteger();
    new DatabaseGauges(registry, Duration.ZERO)
        .add(
            () -> {
              reads.incrementAndGet();
              return List.of(3.0, 0.5);
            },
            List.of(
                new DatabaseGauges.Derived<List<Double>>(
                    "test.lag.events", "events", lag -> List.of(Reading.of(lag.get(0)))),
                new DatabaseGauges.Derived<List<Double>>(
                    "test.lag.seconds", "seconds", lag -> List.of(Reading.of(lag.get(1))))))
        .refreshIfStale();

    assertEquals(1, reads.get());
    PrometheusText scrape = PrometheusText.parse(registry.scrape());
    assertEquals(3, scrape.sum("test_lag_events"));
    assertEquals(0.5, scrape.sum("test_lag_seconds"));
  }
}
