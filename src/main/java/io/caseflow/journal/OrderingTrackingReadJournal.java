package io.caseflow.journal;

import com.typesafe.config.Config;
import java.util.Optional;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.query.scaladsl.JdbcReadJournal;
import slick.jdbc.JdbcBackend;

/**
 * pekko-persistence-jdbc's read journal, its DAO and queries unchanged, with one part replaced: the
 * actor its {@code eventsByTag} asks how far it may read is an {@link OrderingTracker}. The plugin
 * creates that actor in a lazy member ({@code journalSequenceActor}, package-private in Scala, a
 * public method in the bytecode that {@code eventsByTag} calls), which is what this overrides; the
 * plugin's own actor is then never started.
 */
final class OrderingTrackingReadJournal extends JdbcReadJournal {

  private final Config config;
  private final String configPath;
  private volatile ActorRef tracker;

  OrderingTrackingReadJournal(Config config, String configPath, ExtendedActorSystem system) {
    super(config, configPath, system);
    this.config = config;
    this.configPath = configPath;
  }

  /** Started on first use, as the plugin's actor is, so a node without tag queries asks nothing. */
  @Override
  public ActorRef journalSequenceActor() {
    ActorRef started = tracker;
    if (started == null) {
      synchronized (this) {
        if (tracker == null) {
          tracker =
              system().systemActorOf(trackerProps(), configPath + ".caseflow-ordering-tracker");
        }
        started = tracker;
      }
    }
    return started;
  }

  private org.apache.pekko.actor.Props trackerProps() {
    FinalHoles rule = FinalHoles.of(config);
    Optional<RunningTransactions> transactions = Optional.empty();
    if (rule instanceof FinalHoles.AfterTransactions) {
      JdbcBackend.JdbcDatabaseDef database =
          ((SlickExtensionImpl) SlickExtension.get(system())).database(config).database();
      EventJournalTableConfiguration journal = readJournalConfig().eventJournalTableConfiguration();
      String table =
          journal.schemaName().isDefined()
              ? journal.schemaName().get() + "." + journal.tableName()
              : journal.tableName();
      transactions =
          Optional.of(new RunningTransactions(database, table, journal.columnNames().ordering()));
    }
    return OrderingTracker.props(
        readJournalDao(),
        readJournalConfig().journalSequenceRetrievalConfiguration(),
        rule,
        transactions,
        mat());
  }
}
