package io.caseflow.app;

import io.caseflow.audit.Audit;
import io.caseflow.audit.AuditSettings;
import io.caseflow.audit.AuditVerifier;
import io.caseflow.audit.CheckpointBuilder;
import io.caseflow.audit.CheckpointExport;
import io.caseflow.audit.JournalReader;
import io.caseflow.audit.JournalVerification;
import io.caseflow.audit.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail at start-up: its signing key (loaded, or generated on the embedded default), the
 * export directory, the checkpoint job on one node, and the journal verification.
 */
final class AuditStartup {

  static final String EMBEDDED_KEY_FILE = "audit-signing-key.pem";
  static final String EMBEDDED_EXPORT_DIR = "audit-checkpoints";

  /** Journal rows one checkpoint covers at most; a backlog takes several. */
  private static final int POSITIONS_PER_CHECKPOINT = 50_000;

  private static final Logger log = LoggerFactory.getLogger(AuditStartup.class);

  private AuditStartup() {}

  static Audit start(
      ActorSystem<Void> system, CaseflowSettings settings, Storage storage, Clock clock) {
    AuditSettings audit = settings.audit();
    JournalReader journal = new JournalReader(SerializationExtension.get(system.classicSystem()));
    Optional<SigningKey> key = signingKey(settings);
    CheckpointExport export =
        new CheckpointExport(
            audit
                .exportDir()
                .orElseGet(() -> settings.dataDir().toAbsolutePath().resolve(EMBEDDED_EXPORT_DIR)));
    Optional<CheckpointBuilder> builder =
        key.map(
            signing ->
                new CheckpointBuilder(
                    storage.dataSource(),
                    journal,
                    signing,
                    export,
                    clock,
                    audit.commitGrace(),
                    POSITIONS_PER_CHECKPOINT));
    builder.ifPresent(
        checkpoints -> {
          checkpoints
              .behindExport()
              .ifPresent(behind -> log.error("Audit checkpoints stopped: {}", behind.getMessage()));
          ClusterJob.init(
              system, "audit-checkpoints", checkpoints::run, audit.checkpointInterval());
          log.info(
              "Audit checkpoints every {}, signed with key {}, exported to {}",
              audit.checkpointInterval(),
              key.get().keyId(),
              export.directory());
        });
    AuditVerifier verifier = new AuditVerifier(journal);
    return new Audit(
        storage.dataSource(),
        verifier,
        key,
        builder,
        new JournalVerification(
            storage.dataSource(),
            verifier,
            key.map(SigningKey::publicKey).stream().toList(),
            system.dispatchers().lookup(DispatcherSelector.blocking()),
            clock));
  }

  /**
   * The configured key file; on the embedded default without one, the data directory's own,
   * generated on the first start; otherwise none, said loudly.
   */
  private static Optional<SigningKey> signingKey(CaseflowSettings settings) {
    Optional<Path> configured = settings.audit().signingKey();
    if (configured.isEmpty() && !settings.db().isEmbedded()) {
      log.warn(
          "NO AUDIT SIGNING KEY (CASEFLOW_AUDIT_SIGNING_KEY) with a database URL set: no audit"
              + " checkpoints are made, so a rewrite of the journal that recomputes its hashes goes"
              + " unnoticed. Set it to an Ed25519 key file, the same on every node (README, 'Audit"
              + " checkpoints')");
      return Optional.empty();
    }
    Path file =
        configured.orElseGet(() -> settings.dataDir().toAbsolutePath().resolve(EMBEDDED_KEY_FILE));
    try {
      if (configured.isEmpty() && Files.notExists(file)) {
        SigningKey generated = SigningKey.generate();
        generated.writeNew(file);
        log.warn(
            "Generated the key that signs audit checkpoints: {} (key id {}). Keep a copy apart from"
                + " the database; auditors verify with its public key (GET /audit/public-key)",
            file,
            generated.keyId());
      }
      return Optional.of(SigningKey.read(file));
    } catch (IOException e) {
      throw new InvalidSettingException(
          "caseflow.audit.signing-key", "cannot be read from " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          "caseflow.audit.signing-key", "(" + file + ") " + e.getMessage());
    }
  }
}
