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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
