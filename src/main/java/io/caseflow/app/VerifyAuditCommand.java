package io.caseflow.app;

import com.typesafe.config.ConfigFactory;
import io.caseflow.audit.AuditVerifier;
import io.caseflow.audit.AuditVerifier.Report;
import io.caseflow.audit.AuditVerifier.Signed;
import io.caseflow.audit.CaseVerification;
import io.caseflow.audit.Checkpoint;
import io.caseflow.audit.CheckpointExport;
import io.caseflow.audit.Checkpoints;
import io.caseflow.audit.JournalReader;
import io.caseflow.audit.SigningKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * {@code java -jar caseflow.jar verify-audit --checkpoints DIR --db URL}: an auditor's check of the
 * whole history against the checkpoints exported outside the database, without the service. The
 * exported checkpoints must be signed by the public key (the directory's, or one given with {@code
 * --public-key}), chained, whole, and the same as the database's copies; every case's journal must
 * hold its chain, the audit log's hashes and every head the checkpoints hold. Prints each broken
 * case with the sequence number it breaks at. Exit 0 when all holds, 1 when something is broken, 2
 * for a usage or connection problem. Only reads: a read-only role will do.
 */
public final class VerifyAuditCommand {

  public static final int VALID = 0;
  public static final int BROKEN = 1;
  public static final int FAILED = 2;

  private static final String USAGE =
      "usage: java -jar caseflow.jar verify-audit --checkpoints <export directory>"
          + " --db <JDBC URL> [--user <user>] [--public-key <PEM file>]\n"
          + "       (the password, if any, in CASEFLOW_DB_PASSWORD)";

  private VerifyAuditCommand() {}

  public static int run(List<String> arguments, PrintStream out, PrintStream err) {
    Map<String, String> options = options(arguments);
    if (options == null || !options.containsKey("--checkpoints") || !options.containsKey("--db")) {
      err.println(USAGE);
      return FAILED;
    }
    Path directory = Path.of(options.get("--checkpoints"));
    try {
      List<Signed> exported = CheckpointExport.read(directory);
      List<PublicKey> keys =
          options.containsKey("--public-key")
              ? List.of(
                  SigningKey.readPublicKey(
                      Files.readString(
                          Path.of(options.get("--public-key")), StandardCharsets.US_ASCII)))
              : CheckpointExport.publicKeys(directory);
      if (keys.isEmpty()) {
        err.println("No public key: give one with --public-key, or export one into " + directory);
        return FAILED;
      }
      out.printf(
          "checkpoints: %d exported in %s; keys: %s%n",
          exported.size(),
          directory,
          keys.stream().map(SigningKey::keyIdOf).collect(Collectors.joining(", ")));
      ActorSystem serialization =
          SerializationOnly.start("verify-audit", ConfigFactory.parseResources("application.conf"));
      try (Connection connection =
          DriverManager.getConnection(
              options.get("--db"),
              options.getOrDefault("--user", ""),
              Optional.ofNullable(System.getenv("CASEFLOW_DB_PASSWORD")).orElse(""))) {
        Report report =
            new AuditVerifier(new JournalReader(SerializationExtension.get(serialization)))
                .verifyAll(
                    connection,
                    exported,
                    keys,
                    (checked, total) -> {
                      if (checked % 10_000 == 0) {
                        out.printf("  %d of %d cases checked%n", checked, total);
                      }
                    });
        List<String> problems = new ArrayList<>(report.problems());
        problems.addAll(differencesFromTheDatabase(connection, exported));
        return print(report, problems, out);
      } finally {
        serialization.terminate();
      }
    } catch (IOException | SQLException | IllegalArgumentException e) {
      err.println("verify-audit: " + e.getMessage());
      return FAILED;
    }
  }

  /** The database's copy of every exported checkpoint must be the exported one. */
  private static List<String> differencesFromTheDatabase(
      Connection connection, List<Signed> exported) throws SQLException {
    List<String> differences = new ArrayList<>();
    for (Signed signed : exported) {
      Checkpoint checkpoint = signed.checkpoint();
      Optional<Checkpoint> stored = Checkpoints.numbered(connection, checkpoint.number());
      if (stored.isEmpty()) {
        differences.add("checkpoint " + checkpoint.number() + ": missing from the database");
      } else if (!stored.get().equals(checkpoint)
          || !Checkpoints.heads(connection, checkpoint.number()).equals(signed.heads())) {
        differences.add(
            "checkpoint " + checkpoint.number() + ": the database's copy differs from the export");
      }
    }
    return differences;
  }

  private static int print(Report report, List<String> problems, PrintStream out) {
    out.printf(
        "checkpoints: %d of %d signed, whole and chained%n",
        report.trusted().size(), report.checkpoints());
    problems.forEach(problem -> out.println("PROBLEM " + problem));
    out.printf("cases: %d checked, %d broken%n", report.cases(), report.broken().size());
    for (CaseVerification broken : report.broken()) {
      out.printf(
          "BROKEN %s/%s at seq %d (%s)%n",
          broken.caseId().tenant(),
          broken.caseId().id(),
          broken.firstBrokenSeq(),
          explanation(broken));
    }
    boolean valid = problems.isEmpty() && report.broken().isEmpty();
    out.println(valid ? "result: valid" : "result: BROKEN");
    return valid ? VALID : BROKEN;
  }

  private static String explanation(CaseVerification broken) {
    return switch (broken.reason()) {
      case "chain" -> "the chain does not hold there: an event changed, removed or out of order";
      case "audit_log" -> "the journal does not hold the event the audit log recorded there";
      case "missing_tail" ->
          "the journal ends before the head signed in checkpoint "
              + Optional.ofNullable(broken.checkpoint())
                  .map(coverage -> coverage.number() + " (seq " + coverage.seq() + ")")
                  .orElse("?")
              + ": its last events are missing, as after a restore from a backup older than that"
              + " checkpoint, or they were removed";
      default ->
          "the journal does not hold the head signed in checkpoint "
              + Optional.ofNullable(broken.checkpoint())
                  .map(coverage -> Long.toString(coverage.number()))
                  .orElse("?");
    };
  }

  /** {@code --name value} pairs; null when the arguments do not pair up. */
  private static Map<String, String> options(List<String> arguments) {
    if (arguments.size() % 2 != 0) {
      return null;
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < arguments.size(); i += 2) {
      if (!arguments.get(i).startsWith("--")) {
        return null;
      }
      options.put(arguments.get(i), arguments.get(i + 1));
    }
    return options;
  }
}
