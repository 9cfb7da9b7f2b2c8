package io.caseflow;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.AsyncPool;
import io.caseflow.app.Caseflow;
import io.caseflow.app.ValidateCommand;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Caseflow node; a configuration or start-up problem exits with a message naming it. With
 * {@code validate <dir>}, checks workflow definitions instead (see {@link ValidateCommand}).
 */
public final class Main {

  static {
    AsyncPool.ensureThreads();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("validate")) {
      System.exit(
          ValidateCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (args.length > 0) {
      System.err.println(
          "usage: java -jar caseflow.jar            (runs the service)\n"
              + "       java -jar caseflow.jar validate <dir>  (checks workflow definitions)");
      System.exit(ValidateCommand.INVALID);
    }
    try {
      Caseflow caseflow =
          Caseflow.start(
              ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
                  .withFallback(configuration()));
      log.info("Caseflow is serving on port {}", caseflow.httpPort());
    } catch (RuntimeException e) {
      log.debug("Start-up failed", e);
      System.err.println("Caseflow cannot start: " + e.getMessage());
      System.exit(2);
    }
  }

  /**
   * The packaged {@code application.conf} under a deployment's own file: Typesafe Config would take
   * a {@code -Dconfig.file} (or {@code config.resource}, {@code config.url}) instead of the
   * packaged defaults, so a file holding one setting would lose every other.
   */
  static Config configuration() {
    return ConfigFactory.load(
        ConfigFactory.defaultApplication()
            .withFallback(ConfigFactory.parseResources("application.conf")));
  }
}
