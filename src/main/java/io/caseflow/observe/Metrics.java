package io.caseflow.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * One node's meters, in the Prometheus text format at the management port's {@code /metrics}
 * ({@link MetricsRoutes}). One registry per actor system, so nodes sharing a JVM (as in the cluster
 * tests) do not count into each other; closed when the actor system terminates.
 */
public final class Metrics implements Extension {

  /** Database figures are read again when scraped, at most this often. */
  static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry;
  private final DatabaseGauges databaseGauges;

  private Metrics(ExtendedActorSystem system) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(PrometheusNames.FILTER);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    PrometheusNames.processCpuSeconds(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    databaseGauges = new DatabaseGauges(registry, SAMPLE_INTERVAL);
    system.registerOnTermination(
        () -> {
          gc.close();
          registry.close();
        });
  }

  public static Metrics get(ClassicActorSystemProvider system) {
    return Id.INSTANCE.get(system.classicSystem());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Where figures read from the database (cases by state, projection lag, …) are declared. */
  public DatabaseGauges databaseGauges() {
    return databaseGauges;
  }

  /** Every meter in the Prometheus text format, database figures first brought up to date. */
  public String scrape() {
    databaseGauges.refreshIfStale();
    return registry.scrape();
  }

  /** How Pekko finds the one instance per actor system. */
  public static final class Id extends AbstractExtensionId<Metrics> implements ExtensionIdProvider {

    static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public Metrics createExtension(ExtendedActorSystem system) {
      return new Metrics(system);
    }

    @Override
    public Id lookup() {
      return INSTANCE;
    }
  }
}
