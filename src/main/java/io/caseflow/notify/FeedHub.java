package io.caseflow.notify;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEventMigration;
import io.caseflow.jdbc.Sql;
import io.caseflow.readside.ReadSideSlices;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side's feed, read once per node: one poll of every slice each interval, fanned out to
 * every open tenant stream of the node, however many there are.
 *
 * <p>Each poll is published as a {@link Batch} from one feed position to the next, the empty ones
 * too, so the batches join up: a subscriber that sees a batch starting where it stands has missed
 * nothing, and one that stands further back reads the difference itself (see {@link
 * CaseEventStreams}).
 */
final class FeedHub {

  /** An event as the read side recorded it: its tenant, slice and feed position. */
  record Recorded(String tenant, int slice, long position, CaseEvent event) {}

  /**
   * The events recorded after {@code from} up to {@code to}, in feed order, and the same by tenant:
   * sorted once here, for every stream of the node to take its own tenant's without looking at the
   * rest.
   */
  record Batch(
      FeedPosition from,
      FeedPosition to,
      List<Recorded> events,
      Map<String, List<Recorded>> byTenant) {

    Batch(FeedPosition from, FeedPosition to, List<Recorded> events) {
      this(from, to, events, events.stream().collect(Collectors.groupingBy(Recorded::tenant)));
    }

    List<Recorded> eventsOf(String tenant) {
      return byTenant.getOrDefault(tenant, List.of());
    }

    /** Whether the read stopped at its limit in some slice, so more may be waiting. */
    boolean full() {
      return !fullSlices().isEmpty();
    }

    /** The slices in which the read stopped at its limit. */
    Set<Integer> fullSlices() {
      int[] counts = new int[from.slices().size()];
      events.forEach(event -> counts[event.slice()]++);
      return IntStream.range(0, counts.length)
          .filter(slice -> counts[slice] >= BATCH)
          .boxed()
          .collect(Collectors.toSet());
    }
  }

  private static final Logger log = LoggerFactory.getLogger(FeedHub.class);

  /** Events of each slice read at once, by the hub and by a subscriber catching up. */
  static final int BATCH = 256;

  /** Batches the hub keeps for a subscriber that is a little slower than the others. */
  private static final int HUB_BUFFER = 64;

  private final Source<Batch, NotUsed> batches;

  FeedHub(
      ActorSystem<?> system,
      DataSource dataSource,
      int slices,
      Executor blocking,
      Duration pollInterval) {
    Source<Batch, NotUsed> polls =
        RestartSource.withBackoff(
            RestartSettings.create(pollInterval, Duration.ofSeconds(5), 0.2),
            () ->
                Source.lazyCompletionStage(
                        () ->
                            CompletableFuture.supplyAsync(
                                () -> newest(dataSource, slices), blocking))
                    .flatMapConcat(
                        start ->
                            Source.unfoldAsync(
                                start,
                                after ->
                                    poll(dataSource, after, blocking, pollInterval)
                                        .thenApply(
                                            batch ->
                                                Optional.of(Pair.create(batch.to(), batch))))));
    this.batches = polls.toMat(BroadcastHub.of(Batch.class, HUB_BUFFER), Keep.right()).run(system);
    // Without a subscriber the hub would hold the poll back until one came, then hand it stale
    // batches; this one keeps it moving.
    batches.runWith(Sink.ignore(), system);
  }

  /** The batches from now on, until the node stops. */
  Source<Batch, NotUsed> batches() {
    return batches;
  }

  /** The feed's newest position, the heads of all its slices. */
  static FeedPosition newest(DataSource dataSource, int slices) {
    try (Connection connection = dataSource.getConnection()) {
      FeedPosition heads = new FeedPosition(ReadSideSlices.feedHeads(connection));
      if (heads.slices().size() != slices) {
        throw new IllegalStateException("the feed has " + heads.slices().size() + " slices");
      }
      return heads;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the event feed's newest position", e);
    }
  }

  /**
   * The next batch after {@code after}, handed on after an interval, or at once when a slice had
   * more than a batch waiting: one poll per interval however busy the node, so each stream handles
   * a few batches a second rather than one per event.
   */
  private static CompletionStage<Batch> poll(
      DataSource dataSource, FeedPosition after, Executor blocking, Duration pollInterval) {
    return CompletableFuture.supplyAsync(() -> read(dataSource, Optional.empty(), after), blocking)
        .thenCompose(
            batch ->
                !batch.full()
                    ? CompletableFuture.supplyAsync(
                        () -> batch,
                        CompletableFuture.delayedExecutor(
                            pollInterval.toMillis(), TimeUnit.MILLISECONDS, blocking))
                    : CompletableFuture.completedFuture(batch))
        .whenComplete(
            (batch, failure) -> {
              if (failure != null) {
                log.warn("Reading the event feed failed; trying again", failure);
              }
            });
  }

  /**
   * Up to {@link #BATCH} of each slice's next events, of one tenant or of all, by one index range
   * scan per slice, merged by position. Any such merge is a valid order: the position moves per
   * slice, and within a slice the events stay in order.
   */
  static Batch read(DataSource dataSource, Optional<String> tenant, FeedPosition after) {
    List<String> perSlice = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    for (int slice = 0; slice < after.slices().size(); slice++) {
      perSlice.add(
          "(SELECT tenant, slice, feed_position, type, payload FROM audit_log WHERE "
              + (tenant.isPresent() ? "tenant = ? AND " : "")
              + "slice = ? AND feed_position > ? ORDER BY feed_position LIMIT "
              + BATCH
              + ")");
      tenant.ifPresent(parameters::add);
      parameters.add(slice);
      parameters.add(after.slices().get(slice));
    }
    String sql = String.join(" UNION ALL ", perSlice) + " ORDER BY feed_position, slice";
    try (Connection connection = dataSource.getConnection()) {
      List<Recorded> events =
          Sql.query(
              connection,
              sql,
              row ->
                  new Recorded(
                      row.getString(1),
                      row.getInt(2),
                      row.getLong(3),
                      CaseEventMigration.parseStored(row.getString(4), row.getString(5))),
              parameters.toArray());
      FeedPosition to = after;
      for (Recorded event : events) {
        to = to.after(event.slice(), event.position());
      }
      return new Batch(after, to, events);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the event feed", e);
    }
  }
}
