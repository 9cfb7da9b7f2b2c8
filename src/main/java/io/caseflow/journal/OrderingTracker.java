package io.caseflow.journal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Status;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.jdbc.config.JournalSequenceRetrievalConfig;
import org.apache.pekko.persistence.jdbc.query.JournalSequenceActor;
import org.apache.pekko.persistence.jdbc.query.dao.ReadJournalDao;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.FutureConverters;

/**
 * The read journal's answer to "up to which ordering may {@code eventsByTag} read?", in place of
 * the plugin's {@code JournalSequenceActor} and with its protocol ({@code GetMaxOrderingId} →
 * {@code MaxOrderingId}). Like it, it reads the journal's orderings with the plugin's own query,
 * one page every {@code query-delay} (at once again while full pages advance), and gives a hole up
 * after {@code max-tries} rounds. Unlike it, it reads past a hole as soon as the database says the
 * hole is final ({@link FinalHoles}), so that holes left by a crash or a rolled-back write no
 * longer hold the read side back for {@code max-tries × query-delay} after every start.
 */
final class OrderingTracker extends AbstractActorWithTimers {

  private static final Logger log = LoggerFactory.getLogger(OrderingTracker.class);

  private enum Round {
    NEXT
  }

  private record Page(long from, List<Long> orderings) {}

  private record Running(Set<String> transactions) {}

  private record RunningUnknown(Throwable cause) {}

  private record Started(RunningTransactions.AtStart start) {}

  private record StartUnknown(Throwable cause) {}

  private record HighestAtStart(long highest) {}

  private final ReadJournalDao dao;
  private final JournalSequenceRetrievalConfig config;
  private final FinalHoles rule;
  private final Materializer materializer;
  private Optional<RunningTransactions> transactions;
  private OrderingGaps gaps;
  private Duration delay;

  /** The journal's highest ordering at start-up on PostgreSQL, reported once it is settled. */
  private long startThrough = -1;

  private long startedAt;
  private boolean warnedRunningUnknown;

  static Props props(
      ReadJournalDao dao,
      JournalSequenceRetrievalConfig config,
      FinalHoles rule,
      Optional<RunningTransactions> transactions,
      Materializer materializer) {
    return Props.create(
        OrderingTracker.class,
        () -> new OrderingTracker(dao, config, rule, transactions, materializer));
  }

  private OrderingTracker(
      ReadJournalDao dao,
      JournalSequenceRetrievalConfig config,
      FinalHoles rule,
      Optional<RunningTransactions> transactions,
      Materializer materializer) {
    this.dao = dao;
    this.config = config;
    this.rule = rule;
    this.transactions = transactions;
    this.materializer = materializer;
    this.delay = queryDelay();
  }

  @Override
  public void preStart() {
    startedAt = System.nanoTime();
    if (rule instanceof FinalHoles.Through through) {
      gaps = new OrderingGaps(through.through(), config.maxTries());
      log.info(
          "{} holes at or below journal ordering {} are final: the embedded database is written by"
              + " this node alone, which had written nothing when it read them",
          through.holes(),
          through.through());
      self().tell(Round.NEXT, self());
    } else if (rule instanceof FinalHoles.AfterTransactions && transactions.isPresent()) {
      gaps = new OrderingGaps(0, config.maxTries());
      pipe(
          transactions
              .get()
              .atStart()
              .handle(
                  (start, failure) ->
                      failure == null ? new Started(start) : new StartUnknown(failure)));
    } else {
      transactions = Optional.empty();
      gaps = new OrderingGaps(0, config.maxTries());
      assumeHighestAfterMaxTries();
      self().tell(Round.NEXT, self());
    }
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(
            JournalSequenceActor.GetMaxOrderingId$.class,
            ask -> sender().tell(new JournalSequenceActor.MaxOrderingId(gaps.max()), self()))
        .matchEquals(Round.NEXT, round -> queryPage())
        .match(Page.class, this::onPage)
        .match(Running.class, this::onRunning)
        .match(RunningUnknown.class, this::onRunningUnknown)
        .match(Started.class, this::onStarted)
        .match(StartUnknown.class, this::onStartUnknown)
        .match(HighestAtStart.class, highest -> gaps.finalAfterMaxTries(highest.highest()))
        .match(Status.Failure.class, this::onQueryFailure)
        .build();
  }

  private void onStarted(Started started) {
    RunningTransactions.AtStart start = started.start();
    gaps.finalAfterMaxTries(start.highest());
    if (start.unusable().isPresent()) {
      log.warn(
          "Holes in the journal's ordering are waited for max-tries x query-delay, since {}: the"
              + " transactions in progress cannot tell which are final",
          start.unusable().get());
      transactions = Optional.empty();
    } else {
      startThrough = start.highest();
      gaps.startedWith(start.highest(), start.running());
      reportStart("no transaction was in progress");
    }
    self().tell(Round.NEXT, self());
  }

  private void onStartUnknown(StartUnknown unknown) {
    log.warn(
        "Could not read the journal's highest ordering and the transactions in progress at"
            + " start-up ({}); the holes left before it are settled one page at a time as they are"
            + " found",
        unknown.cause().toString());
    assumeHighestAfterMaxTries();
    self().tell(Round.NEXT, self());
  }

  /**
   * The plugin's own start-up rule: the journal's highest ordering is final after the bound. If it
   * cannot be read, holes are found and given up one by one, as the plugin then does (a failure
   * must not reach {@link #onQueryFailure}, which would start a second series of rounds).
   */
  private void assumeHighestAfterMaxTries() {
    pipe(
        FutureConverters.asJava(dao.maxJournalSequence())
            .handle(
                (highest, failure) -> {
                  if (failure != null) {
                    log.info(
                        "Could not read the journal's highest ordering: {}", failure.toString());
                    return new HighestAtStart(0);
                  }
                  return new HighestAtStart((Long) highest);
                }));
  }

  private void queryPage() {
    long from = gaps.max();
    CompletionStage<List<Object>> page =
        dao.journalSequence(from, config.batchSize()).asJava().runWith(Sink.seq(), materializer);
    pipe(
        page.thenApply(
            orderings -> new Page(from, orderings.stream().map(o -> (Long) o).toList())));
  }

  private void onPage(Page page) {
    delay = queryDelay();
    long before = gaps.max();
    gaps.scanned(page.orderings());
    reportStart("none was missing");
    if (page.orderings().size() == config.batchSize() && gaps.max() > before) {
      self().tell(Round.NEXT, self());
    } else if (transactions.isPresent() && gaps.wantsTransactions()) {
      pipe(
          transactions
              .get()
              .inProgress()
              .handle(
                  (running, failure) ->
                      failure == null ? new Running(running) : new RunningUnknown(failure)));
    } else {
      endRound();
    }
  }

  private void onRunning(Running running) {
    gaps.transactionsInProgress(running.transactions());
    reportStart("every transaction that could still have filled them has ended");
    endRound();
  }

  /**
   * Asking failed (the database is down, most likely): this round waits, as the plugin would; the
   * next asks again. Said once at WARN, since a failure that lasts (a role refused {@code
   * pg_locks}) makes every hole wait out the bound again.
   */
  private void onRunningUnknown(RunningUnknown unknown) {
    if (warnedRunningUnknown) {
      log.debug("Could not read the transactions in progress: {}", unknown.cause().toString());
    } else {
      warnedRunningUnknown = true;
      log.warn(
          "Could not read the transactions in progress ({}): until that works, holes in the"
              + " journal's ordering wait max-tries x query-delay",
          unknown.cause().toString());
    }
    endRound();
  }

  private void endRound() {
    gaps.endRound();
    reportStart(
        "given up after max-tries x query-delay: a transaction in progress at start-up"
            + " was still running");
    timers().startSingleTimer(Round.NEXT, Round.NEXT, delay);
  }

  /** The plugin's back-off: the query delay doubles up to its maximum while queries fail. */
  private void onQueryFailure(Status.Failure failure) {
    Duration maxBackoff = Duration.ofNanos(config.maxBackoffQueryDelay().toNanos());
    delay = delay.multipliedBy(2).compareTo(maxBackoff) < 0 ? delay.multipliedBy(2) : maxBackoff;
    if (delay.equals(maxBackoff)) {
      log.warn(
          "Failed to query the journal's orderings because of {}, retrying in {}",
          failure.cause().toString(),
          delay);
    }
    timers().startSingleTimer(Round.NEXT, Round.NEXT, delay);
  }

  /**
   * Once per start on PostgreSQL, when the journal's orderings up to its highest at start-up are
   * settled: how many were holes, and what settled them.
   */
  private void reportStart(String reason) {
    if (startThrough < 0 || gaps.max() < startThrough) {
      return;
    }
    long through = startThrough;
    long millis = Duration.ofNanos(System.nanoTime() - startedAt).toMillis();
    startThrough = -1;
    transactions
        .orElseThrow()
        .eventsThrough(through)
        .whenComplete(
            (events, failure) -> {
              if (failure == null) {
                log.info(
                    "{} holes at or below journal ordering {} are final after {} ms: {}",
                    through - events,
                    through,
                    millis,
                    reason);
              } else {
                log.info(
                    "The holes at or below journal ordering {} are final after {} ms: {}",
                    through,
                    millis,
                    reason);
              }
            });
  }

  private Duration queryDelay() {
    return Duration.ofNanos(config.queryDelay().toNanos());
  }

  private void pipe(CompletionStage<?> result) {
    Patterns.pipe(result, getContext().getDispatcher()).to(self());
  }
}
