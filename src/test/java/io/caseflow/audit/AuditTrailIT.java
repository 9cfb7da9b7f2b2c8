package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.cases.CaseId;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.JournalTampering;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail as an auditor uses it, on the packaged service: checkpoints made and exported,
 * the public key fetched, a case's Merkle proof checked by the client itself, and the whole history
 * verified offline by {@code java -jar caseflow.jar verify-audit} from the exported checkpoints,
 * before and after the journal was rewritten behind the service's back.
 */
class AuditTrailIT {

  @TempDir Path dataDir;
  @TempDir Path auditor;

  @Test
  void anAuditorVerifiesTheHistoryOfflineAndCatchesAConsistentRewrite() throws Exception {
    Path export = dataDir.resolve("audit-checkpoints");
    Path publicKey = auditor.resolve("caseflow-audit.pem");
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      ApiClient api = service.start().awaitReady();
      for (String id : List.of("audited-1", "audited-2")) {
        assertEquals(201, api.openCase("alice", id, "S-" + id, "{\"riskLevel\":\"low\"}").status());
        assertEquals(200, api.post("/cases/" + id + "/actions/submit", "alice", null).status());
      }
      Response commented =
          api.post("/cases/audited-1/comments", "bob", "{\"text\":\"register checked\"}");
      assertEquals(201, commented.status(), commented::toString);
      String applied = commented.header("Caseflow-Consistency").orElseThrow();
      assertEquals(200, api.get("/stats?consistentWith=" + applied, "alice").status());

      Response made = api.post("/admin/audit/checkpoints", "oscar", null);
      assertEquals(200, made.status(), made::toString);
      assertEquals(1, made.json().get("number").asLong());
      assertEquals(2, made.json().get("cases").asInt());
      assertEquals(
          403, api.post("/admin/audit/checkpoints", "carol", null).status(), "operators only");

      Response key = api.get("/audit/public-key", null);
      assertEquals(200, key.status(), "no token needed for a public key");
      Files.writeString(publicKey, key.text());

      JsonNode listed = api.get("/audit/checkpoints", "carol").json();
      assertEquals(1, listed.get("items").size(), listed::toString);
      assertEquals(403, api.get("/audit/checkpoints", "alice").status(), "admins and operators");

      JsonNode proved = api.get("/audit/checkpoints/1?caseId=audited-1", "carol").json();
      JsonNode head = proved.get("proof").get("head");
      assertEquals(3, head.get("seq").asLong());
      List<MerkleTree.Step> path = new ArrayList<>();
      proved
          .get("proof")
          .get("path")
          .forEach(
              step ->
                  path.add(
                      new MerkleTree.Step(
                          step.get("hash").asText(), step.get("left").asBoolean())));
      Checkpoint.Head leaf =
          new Checkpoint.Head(
              head.get("tenant").asText(),
              head.get("caseId").asText(),
              head.get("seq").asLong(),
              head.get("hash").asText());
      assertTrue(
          MerkleTree.proves(leaf.leaf(), path, proved.get("checkpoint").get("root").asText()),
          "the client checks the proof against the signed root itself");
      assertEquals(
          "case_not_in_checkpoint",
          api.get("/audit/checkpoints/1?caseId=audited-9", "carol").code());
      assertEquals("checkpoint_not_found", api.get("/audit/checkpoints/9", "carol").code());

      JsonNode verified = api.get("/cases/audited-1/history/verify", "alice").json();
      assertTrue(verified.get("valid").asBoolean(), verified::toString);
      assertEquals(1, verified.get("checkpoint").get("number").asLong());
      assertTrue(verified.get("checkpoint").get("matches").asBoolean());
      service.kill();
    }
    assertTrue(Files.isRegularFile(export.resolve("checkpoint-0000000001.json")));

    Run valid = verifyAudit(export, publicKey);
    assertEquals(0, valid.exit(), valid.output());
    assertTrue(valid.output().contains("cases: 2 checked, 0 broken"), valid.output());
    assertTrue(valid.output().contains("result: valid"), valid.output());

    try (Connection owner = DriverManager.getConnection(h2Url(), "sa", "")) {
      new JournalTampering(owner)
          .rewriteConsistently(
              new CaseId("acme", "audited-1"), 2, event -> event.put("to", "changes_requested"));
    }
    Run broken = verifyAudit(export, publicKey);
    assertEquals(1, broken.exit(), broken.output());
    assertTrue(broken.output().contains("BROKEN acme/audited-1 at seq 3"), broken.output());
    assertFalse(broken.output().contains("acme/audited-2"), broken.output());
    assertTrue(broken.output().contains("result: BROKEN"), broken.output());
  }

  /**
   * The database restored from a backup older than the last exported checkpoint: the node says so
   * at start-up and makes no checkpoint (one would take a number the export holds: a fork), the
   * exported chain stays as it was, the offline verifier names what the restore lost, and once the
   * operator has moved the export aside the checkpoints go on into an empty export directory.
   */
  @Test
  void aRestoreFromAnOlderBackupIsNoticedAndForksNoExportedChain() throws Exception {
    Path export = auditor.resolve("export");
    Path publicKey = auditor.resolve("caseflow-audit.pem");
    Path backup = auditor.resolve("backup");
    Map<String, String> environment = Map.of("CASEFLOW_AUDIT_EXPORT_DIR", export.toString());
    try (ServiceProcess service = restartable(environment)) {
      ApiClient api = service.start().awaitReady();
      assertEquals(
          201, api.openCase("alice", "restored-1", "S-1", "{\"riskLevel\":\"low\"}").status());
      assertEquals(200, api.post("/cases/restored-1/actions/submit", "alice", null).status());
      assertEquals(1, checkpointNow(api).json().get("number").asLong());
      Files.writeString(publicKey, api.get("/audit/public-key", null).text());
      stop(service);
    }
    copy(dataDir, backup);
    try (ServiceProcess service = restartable(environment)) {
      ApiClient api = service.start().awaitReady();
      assertEquals(
          201, api.post("/cases/restored-1/comments", "bob", "{\"text\":\"after\"}").status());
      assertEquals(
          201, api.openCase("alice", "restored-2", "S-2", "{\"riskLevel\":\"low\"}").status());
      assertEquals(2, checkpointAfterGrace(api).json().get("number").asLong());
      stop(service);
    }
    Path second = export.resolve("checkpoint-0000000002.json");
    String exported = Files.readString(second);

    RunningCaseflow.deleteRecursively(dataDir);
    copy(backup, dataDir);
    try (ServiceProcess service = restartable(environment)) {
      ApiClient api = service.start().awaitReady();
      assertTrue(service.output().contains("Audit checkpoints stopped"), service::output);
      Response refused = api.post("/admin/audit/checkpoints", "oscar", null);
      assertEquals(503, refused.status(), refused::toString);
      assertEquals("audit_export_ahead", refused.code());
      assertEquals("2", refused.json().get("exported").asText());
      assertEquals("1", refused.json().get("stored").asText());
      assertTrue(refused.header("Retry-After").isPresent());
      assertEquals(
          201, api.post("/cases/restored-1/comments", "bob", "{\"text\":\"again\"}").status());
      assertEquals(503, api.post("/admin/audit/checkpoints", "oscar", null).status());
      stop(service);
    }
    assertEquals(exported, Files.readString(second), "the exported chain is not overwritten");
    assertFalse(
        Files.exists(export.resolve("checkpoint-0000000003.json")), "nor continued from a fork");

    Run behind = verifyAudit(export, publicKey);
    assertEquals(1, behind.exit(), behind.output());
    assertTrue(
        behind
            .output()
            .contains(
                "BROKEN acme/restored-2 at seq 1 (the journal ends before the"
                    + " head signed in checkpoint 2 (seq 1): its last events are missing, as after a"
                    + " restore from a backup older than that checkpoint"),
        behind.output());
    assertTrue(
        behind.output().contains("BROKEN acme/restored-1 at seq 3 (the journal does not hold"),
        "written on after the restore, its history differs from the signed one: "
            + behind.output());

    Path archived = auditor.resolve("export-before-restore");
    Files.move(export, archived);
    try (ServiceProcess service = restartable(environment)) {
      ApiClient api = service.start().awaitReady();
      assertEquals(2, checkpointAfterGrace(api).json().get("number").asLong());
      stop(service);
    }
    assertTrue(Files.isRegularFile(export.resolve("checkpoint-0000000002.json")));
    assertEquals(exported, Files.readString(archived.resolve("checkpoint-0000000002.json")));
  }

  /**
   * A node on the test's data directory whose checkpoints wait 2 s, not a minute, for a gap in the
   * journal's positions to be final: each restart leaves one (H2 hands out the identity's values
   * from a cache, and a restart skips the rest of it).
   */
  private ServiceProcess restartable(Map<String, String> environment) {
    return new ServiceProcess(dataDir, environment)
        .withJvmArg("-Dcaseflow.audit.commit-grace=" + GRACE.toSeconds() + "s");
  }

  private static final Duration GRACE = Duration.ofSeconds(2);

  /** A checkpoint of what was written until now, once the grace for its gaps has passed. */
  private static Response checkpointAfterGrace(ApiClient api) throws InterruptedException {
    Thread.sleep(GRACE.toMillis() + 500);
    return checkpointNow(api);
  }

  private static Response checkpointNow(ApiClient api) {
    Response made = api.post("/admin/audit/checkpoints", "oscar", null);
    assertEquals(200, made.status(), made::toString);
    return made;
  }

  private static void stop(ServiceProcess service) throws Exception {
    service.terminate();
    service.awaitExit(Duration.ofSeconds(60));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  @Test
  void aSigningKeyFileThatCannotBeReadStopsTheStart() throws Exception {
    Path notAKey = auditor.resolve("not-a-key.pem");
    Files.writeString(notAKey, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    RuntimeException refused =
        assertThrows(
            RuntimeException.class,
            () -> RunningCaseflow.onH2(Map.of("caseflow.audit.signing-key", notAKey.toString())));
    assertTrue(refused.getMessage().contains("caseflow.audit.signing-key"), refused::getMessage);
  }

  private String h2Url() {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("caseflow");
  }

  private record Run(int exit, String output) {}

  private Run verifyAudit(Path export, Path publicKey) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = auditor.resolve("verify-audit.log");
    Process process =
        new ProcessBuilder(
                java,
                "-jar",
                System.getProperty("fatJar", "target/caseflow.jar"),
                "verify-audit",
                "--checkpoints",
                export.toString(),
                "--db",
                h2Url(),
                "--user",
                "sa",
                "--public-key",
                publicKey.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "verify-audit ends");
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
