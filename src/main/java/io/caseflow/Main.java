package io.caseflow;

import com.typesafe.config.ConfigFactory;
import io.caseflow.app.Caseflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a Caseflow node; a configuration or start-up problem exits with a message naming it. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      Caseflow caseflow =
          Caseflow.start(
              ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
                  .withFallback(ConfigFactory.load()));
      log.info("Caseflow is serving on port {}", caseflow.httpPort());
    } catch (RuntimeException e) {
      log.debug("Start-up failed", e);
      System.err.println("Caseflow cannot start: " + e.getMessage());
      System.exit(2);
    }
  }
}
