package io.caseflow.journal;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.ReadJournalProvider;

/**
 * The read journal plugin's provider ({@code jdbc-read-journal.class}): the plugin's read journal
 * with Caseflow's ordering tracker ({@link OrderingTrackingReadJournal}). One journal serves both
 * APIs; the plugin's provider built a second one, with its own DAO, for the Java API.
 */
public final class OrderingTrackingReadJournalProvider implements ReadJournalProvider {

  private final OrderingTrackingReadJournal journal;
  private final JdbcReadJournal javaJournal;

  /** The constructor Pekko calls for a read journal plugin. */
  public OrderingTrackingReadJournalProvider(
      ExtendedActorSystem system, Config config, String configPath) {
    this.journal = new OrderingTrackingReadJournal(config, configPath, system);
    this.javaJournal = new JdbcReadJournal(journal);
  }

  @Override
  public org.apache.pekko.persistence.jdbc.query.scaladsl.JdbcReadJournal scaladslReadJournal() {
    return journal;
  }

  @Override
  public JdbcReadJournal javadslReadJournal() {
    return javaJournal;
  }
}
