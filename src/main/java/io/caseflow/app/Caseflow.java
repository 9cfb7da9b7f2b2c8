package io.caseflow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.audit.Audit;
import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.cases.CommandMetrics;
import io.caseflow.http.HttpApi;
import io.caseflow.http.ReadinessCheck;
import io.caseflow.notify.CaseEventStreams;
import io.caseflow.notify.SecretBox;
import io.caseflow.notify.WebhookOutbox;
import io.caseflow.notify.Webhooks;
import io.caseflow.observe.Metrics;
import io.caseflow.observe.Tracing;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.Inbox;
import io.caseflow.readside.CaseProjection;
import io.caseflow.readside.CaseReadModel;
import io.caseflow.readside.DeadLetters;
import io.caseflow.readside.DeadlineFiring;
import io.caseflow.readside.DueTimers;
import io.caseflow.readside.ProjectionLag;
import io.caseflow.readside.ReadSideAdmin;
import io.caseflow.readside.ReadSideRebuild;
import io.caseflow.readside.ReadSideSettings;
import io.caseflow.readside.ReadSideSlices;
import io.caseflow.readside.Reconciliation;
import io.caseflow.refusals.RefusalRecorder;
import io.caseflow.refusals.Refusals;
import io.caseflow.saga.Sagas;
import io.caseflow.workflow.WorkflowRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Caseflow node: checked settings and workflows, a migrated database, a cluster member
 * hosting the case shards, and the HTTP API. A single node is a one-member cluster, so it runs the
 * same code path as a multi-node deployment.
 */
public final class Caseflow implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Caseflow.class);
  private static final String READ_JOURNAL = "jdbc-read-journal";
  private static final String SYSTEM_NAME = "caseflow";
  private static final DispatcherSelector JWT_DISPATCHER =
      DispatcherSelector.fromConfig("caseflow-jwt-dispatcher");
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final Uri management;

  private Caseflow(ActorSystem<Void> system, ServerBinding binding, Uri management) {
    this.system = system;
    this.binding = binding;
    this.management = management;
  }

  /** Starts a node from configuration (see {@code conf/application.conf}). */
  public static Caseflow start(Config config) {
    CaseflowSettings settings = CaseflowSettings.from(config);
    return start(settings, config, () -> Tracing.from(settings.traces()));
  }

  /** Starts a node whose spans go to {@code telemetry} (tests: an in-memory exporter). */
  public static Caseflow start(Config config, OpenTelemetry telemetry) {
    return start(CaseflowSettings.from(config), config, () -> Tracing.to(telemetry));
  }

  /** {@code tracingFor} is called once the actor system is up, which closes it when it ends. */
  private static Caseflow start(
      CaseflowSettings settings, Config config, Supplier<Tracing> tracingFor) {
    if (!AsyncPool.isPooled()) {
      log.warn(
          "CompletableFuture starts a thread for every callback in this JVM (its common pool has"
              + " one thread); start it with -D{}=2",
          AsyncPool.PARALLELISM);
    }
    WorkflowRegistry workflows =
        settings
            .workflowsDir()
            .map(WorkflowRegistry::fromDirectory)
            .orElseGet(WorkflowRegistry::fromClasspath);
    workflows.migrationGaps().forEach(gap -> log.warn("Workflow migration: {}", gap));
    Storage storage = Storage.open(settings);
    CompletableFuture<ServerBinding> apiBound = new CompletableFuture<>();
    ActorSystem<Void> system;
    try {
      DeployedWorkflowVersions.check(storage.dataSource(), workflows.sources(), Clock.systemUTC());
      RetiredWorkflowVersions.check(
          workflows, storage.dataSource(), new CaseTags(settings.readSide().slices()), config);
      Config pekkoConfig =
          storage.pekkoConfig().withFallback(clusterConfig(settings.node())).withFallback(config);
      system =
          ActorSystem.create(
              Behaviors.empty(),
              SYSTEM_NAME,
              ActorSystemSetup.create(
                  BootstrapSetup.create(pekkoConfig),
                  NodeReadiness.managementSetup(storage, apiBound)));
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    Tracing tracing = tracingFor.get();
    ClosedAfterTermination.register(system, List.of(storage, tracing));
    try {
      Uri management = startManagement(system, settings.node());
      return new Caseflow(
          system,
          serve(system, settings, workflows, storage, apiBound, tracing.tracer()),
          management);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * This node's remoting and management addresses, seed nodes and discovery method, from the
   * checked settings (set here, not by substitution in the configuration file, so that settings
   * given over a loaded configuration count too).
   */
  private static Config clusterConfig(CaseflowSettings.Node node) {
    Map<String, Object> paths = new HashMap<>();
    paths.put("pekko.remote.artery.canonical.hostname", node.host());
    paths.put("pekko.remote.artery.canonical.port", node.port());
    paths.put(
        "pekko.cluster.seed-nodes",
        node.seedNodes().stream().map(seed -> "pekko://" + SYSTEM_NAME + "@" + seed).toList());
    paths.put("pekko.management.http.hostname", node.host());
    paths.put("pekko.management.http.port", node.managementPort());
    paths.put("pekko.cluster.app-version", BuildVersion.current());
    node.discoveryMethod()
        .ifPresent(
            method ->
                paths.put(
                    "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method",
                    method));
    return ConfigFactory.parseMap(paths);
  }

  /** Health and membership endpoints; with a discovery method, also the cluster bootstrap. */
  private static Uri startManagement(ActorSystem<Void> system, CaseflowSettings.Node node) {
    Uri management =
        PekkoManagement.get(system)
            .start()
            .toCompletableFuture()
            .orTimeout(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .join();
    log.info("Pekko Management is serving at {}", management);
    if (node.discoveryMethod().isPresent()) {
      ClusterBootstrap.get(system).start();
    }
    return management;
  }

  private static ServerBinding serve(
      ActorSystem<Void> system,
      CaseflowSettings settings,
      WorkflowRegistry workflows,
      Storage storage,
      CompletableFuture<ServerBinding> apiBound,
      Tracer tracer) {
    Cluster cluster = Cluster.get(system);
    if (!settings.node().joinsOthers()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }

    Clock clock = Clock.systemUTC();
    CaseTags tags = new CaseTags(settings.readSide().slices());
    Metrics metrics = Metrics.get(system);
    storage.measurePools(metrics.registry());
    CommandMetrics commandMetrics = new CommandMetrics(metrics.registry(), workflows);
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
            CaseEntity.TYPE_KEY,
            entity ->
                CaseEntity.create(
                    CaseId.fromEntityId(entity.getEntityId()),
                    workflows,
                    clock,
                    tags,
                    commandMetrics,
                    tracer)));

    CaseHistory history = new CaseHistory(system, READ_JOURNAL);
    ReadSideAdmin readSide =
        startReadSide(
            system,
            settings,
            storage,
            tags,
            history,
            clock,
            metrics.registry(),
            tracer,
            workflows,
            sharding);
    Optional<SecretBox> secretKey = WebhookStartup.secretKey(settings);
    SubjectKeys personalData = new SubjectKeys(storage.dataSource(), secretKey, clock);
    Webhooks webhooks =
        WebhookStartup.start(system, settings, storage, clock, secretKey, personalData);
    Sagas sagas =
        Sagas.start(
            system,
            sharding,
            workflows,
            clock,
            settings.sagas(),
            storage.readSideDataSource(),
            storage.dataSource(),
            READ_JOURNAL,
            settings.http().askTimeout());
    ClusterJob.init(
        system, "saga-recovery", sagas::wakeUnfinished, settings.sagas().recoveryInterval());
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    Refusals refusals = new Refusals(storage.dataSource());
    RefusalRecorder refusalRecorder = startRefusalLog(system, settings, storage, refusals, clock);
    CaseQueries queries = new CaseQueries(storage.dataSource());
    Audit audit = AuditStartup.start(system, settings, storage, clock);
    HttpApi api =
        new HttpApi(
            settings.http(),
            AuthenticatorStartup.authenticator(
                settings, system.dispatchers().lookup(JWT_DISPATCHER)),
            new HttpApi.Services(
                sharding,
                history,
                workflows,
                queries,
                new Inbox(storage.dataSource(), workflows, clock),
                readSide,
                readiness(
                    NodeReadiness.of(system.classicSystem(), storage, apiBound),
                    readSide,
                    refusalRecorder,
                    blocking),
                new CaseEventStreams(
                    system,
                    READ_JOURNAL,
                    storage.dataSource(),
                    tags.slices(),
                    blocking,
                    settings.http().eventStreamPollInterval()),
                webhooks,
                sagas,
                refusalRecorder,
                refusals,
                clock,
                blocking,
                () -> UUID.randomUUID().toString(),
                metrics.registry(),
                tracer,
                audit,
                personalData));
    MetricsStartup.declare(metrics.databaseGauges(), workflows, queries, readSide, webhooks, sagas);
    ServerBinding binding =
        Http.get(system)
            .newServerAt(settings.httpInterface(), settings.http().port())
            .bind(api.route())
            .toCompletableFuture()
            .orTimeout(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .join();
    binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
    apiBound.complete(binding);
    return binding;
  }

  private static ReadSideAdmin startReadSide(
      ActorSystem<Void> system,
      CaseflowSettings settings,
      Storage storage,
      CaseTags tags,
      CaseHistory history,
      Clock clock,
      MeterRegistry metrics,
      Tracer tracer,
      WorkflowRegistry workflows,
      ClusterSharding sharding) {
    ReadSideSettings readSide = settings.readSide();
    ReadSideSlices.ensure(storage.dataSource(), readSide.slices());
    DeadLetters deadLetters = new DeadLetters(storage.dataSource(), clock);
    CaseReadModel readModel =
        new CaseReadModel(List.of(new WebhookOutbox(clock)), new DueTimers(workflows));
    CaseProjection.init(
        system,
        READ_JOURNAL,
        tags,
        storage.readSideDataSource(),
        readModel,
        readSide,
        deadLetters,
        metrics,
        tracer);
    Reconciliation reconciliation =
        new Reconciliation(
            storage.dataSource(),
            history,
            tags,
            readModel,
            deadLetters,
            readSide.reconcileGrace(),
            clock);
    ClusterJob.init(
        system, "read-side-reconciliation", reconciliation::run, readSide.reconcileInterval());
    DeadlineFiring deadlines =
        new DeadlineFiring(
            storage.dataSource(),
            sharding,
            clock,
            settings.http().askTimeout(),
            settings.deadlines().batchSize());
    ClusterJob.init(
        system, "deadlines", () -> deadlines.runOnce(), settings.deadlines().pollInterval());
    return new ReadSideAdmin(
        new ProjectionLag(storage.dataSource(), tags, clock),
        reconciliation,
        deadLetters,
        new ReadSideRebuild(system, storage.dataSource(), tags, clock));
  }

  /**
   * Each node writes the refusals it answered until it stops serving (the binding is unbound in an
   * earlier phase of the coordinated shutdown); one node removes those past their retention.
   */
  private static RefusalRecorder startRefusalLog(
      ActorSystem<Void> system,
      CaseflowSettings settings,
      Storage storage,
      Refusals refusals,
      Clock clock) {
    RefusalRecorder recorder =
        RefusalRecorder.start(storage.dataSource(), settings.refusals(), clock);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "write-refusals",
            () ->
                CompletableFuture.runAsync(
                        recorder::close, system.dispatchers().lookup(DispatcherSelector.blocking()))
                    .thenApply(done -> Done.getInstance()));
    Duration retention = settings.refusals().retention();
    ClusterJob.init(
        system,
        "refusal-retention",
        () -> {
          try {
            long removed = refusals.deleteRecordedBefore(clock.instant().minus(retention));
            if (removed > 0) {
              log.info("Removed {} refusals older than {}", removed, retention);
            }
          } catch (SQLException e) {
            throw new IllegalStateException("Refusals past their retention were not removed", e);
          }
        },
        settings.refusals().cleanupInterval());
    return recorder;
  }

  /**
   * The node's readiness checks; read-side lag and the refusals this node could not keep are
   * reported alongside, not judged.
   */
  private static ReadinessCheck readiness(
      NodeReadiness node, ReadSideAdmin readSide, RefusalRecorder refusals, Executor blocking) {
    return () ->
        node.evaluate()
            .thenApplyAsync(
                checks -> {
                  Map<String, Object> details = new LinkedHashMap<>();
                  if (checks.get("database")) {
                    details.put("readSideLag", readSide.lag());
                  }
                  details.put("refusalsNotRecorded", refusals.notRecorded());
                  return new ReadinessCheck.Readiness(checks, details);
                },
                blocking);
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public int managementPort() {
    return management.port();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Leaves the cluster, stops serving and closes the database. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
