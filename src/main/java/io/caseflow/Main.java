package io.caseflow;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.AsyncPool;
import io.caseflow.app.Caseflow;
import io.caseflow.app.ValidateCommand;
import io.caseflow.app.VerifyAuditCommand;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Caseflow node; a configuration or start-up problem exits with a message naming it. With
 * {@code validate <dir>}, checks workflow definitions instead (see {@link ValidateCommand}); with
 * {@code verify-audit}, verifies the history against exported checkpoints ({@link
 * VerifyAuditCommand}).
 */
public final class Main {

  static {
    AsyncPool.ensureThreads();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private static final String LOG_FORMAT = "CASEFLOW_LOG_FORMAT";
  private static final List<String> LOG_FORMATS = List.of("text", "json");

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("validate")) {
      System.exit(
          ValidateCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("verify-audit")) {
      System.exit(
          VerifyAuditCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    Optional<String> logFormatProblem = logFormatProblem();
    if (logFormatProblem.isPresent()) {
      System.err.println("Caseflow cannot start: " + logFormatProblem.get());
      System.exit(ValidateCommand.INVALID);
    }
    if (args.length > 0) {
      System.err.println(
          "usage: java -jar caseflow.jar            (runs the service)\n"
              + "       java -jar caseflow.jar validate <dir>  (checks workflow definitions)\n"
              + "       java -jar caseflow.jar verify-audit --checkpoints <dir> --db <url>"
              + "  (verifies the history against exported checkpoints)");
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
   * {@code CASEFLOW_LOG_FORMAT} is read by logback (see {@code logback.xml}), as a system property
   * or from the environment; a value it has no appender for would leave the node without logs.
   */
  static Optional<String> logFormatProblem() {
    String format =
        Optional.ofNullable(System.getProperty(LOG_FORMAT))
            .orElseGet(() -> System.getenv(LOG_FORMAT));
    if (format == null || LOG_FORMATS.contains(format)) {
      return Optional.empty();
    }
    return Optional.of(LOG_FORMAT + " must be one of " + LOG_FORMATS + ", was '" + format + "'");
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
