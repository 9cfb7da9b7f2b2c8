package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.PrometheusText;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import io.caseflow.testing.WebhookReceiver;
import io.caseflow.testing.WebhookReceiver.Behaviour;
import io.caseflow.testing.WebhookReceiver.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real node on PostgreSQL and a real local HTTP receiver: every committed event
 * arrives signed and in per-case order despite failures, a receiver that never answers ends in the
 * dead letters, and a restart loses nothing.
 */
class WebhooksIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String SECRET = "a-secret-of-32-characters-length";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fast retries, so failures play out in seconds; victor administers globex. */
  private static Map<String, Object> settings() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("caseflow.webhooks.max-attempts", 4);
    settings.put("caseflow.webhooks.initial-backoff", "100ms");
    settings.put("caseflow.webhooks.max-backoff", "400ms");
    settings.put("caseflow.webhooks.request-timeout", "1s");
    settings.put("caseflow.webhooks.poll-interval", "100ms");
    settings.put("caseflow.auth.demo-principals.victor.tenant", "globex");
    settings.put("caseflow.auth.demo-principals.victor.roles", List.of("admin"));
    // The receiver of these tests listens on loopback, over plain http.
    settings.put("caseflow.webhooks.allow-http", "true");
    settings.put("caseflow.webhooks.allowed-private-targets", List.of("127.0.0.1"));
    return settings;
  }

  @Test
  void aReceiverFailingAtFirstGetsEveryEventOnceSignedAndInCaseOrder() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings());
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      receiver.failNext(3);
      subscribe(api, receiver.url(), "[]");

      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String id = "hook-" + i;
        open(api, "alice", id);
        assertEquals(
            200,
            api.post(
                    "/cases/" + id + "/actions/submit",
                    "alice",
                    "{\"data\":{\"riskLevel\":\"low\"}}")
                .status());
        assertEquals(
            201, api.post("/cases/" + id + "/comments", "bob", "{\"text\":\"ok\"}").status());
        for (int seq = 1; seq <= 3; seq++) {
          expected.add("acme:" + id + ":" + seq);
        }
      }
      open(api, "dave", "not-for-acme");

      receiver.awaitUntil(r -> r.acceptedOnce().size() >= expected.size(), PATIENCE);
      Thread.sleep(1000);
      List<Delivery> accepted = receiver.acceptedOnce();
      assertEquals(
          Set.copyOf(expected),
          accepted.stream().map(Delivery::eventId).collect(Collectors.toSet()),
          "every committed acme event, and no other tenant's");
      assertEquals(expected.size(), accepted.size());
      assertTrue(receiver.received().size() >= expected.size() + 3, "the failures were retried");
      for (Delivery delivery : receiver.received()) {
        assertTrue(delivery.signedWith(SECRET), () -> "bad signature on " + delivery);
        JsonNode body = JSON.readTree(delivery.body());
        assertEquals(delivery.eventId(), body.get("eventId").asText());
        assertEquals(delivery.eventType(), body.get("type").asText());
      }
      assertFalse(receiver.received().get(0).signedWith("another-secret-of-32-characters"));
      assertInCaseOrder(accepted);
    }
  }

  @Test
  void aReceiverThatNeverAnswersEndsInDeadLettersAndIsRedriven() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings());
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      open(api, "alice", "silent-1");
      receiver.behave(Behaviour.HANG);
      subscribe(api, receiver.url(), "[\"comment_added\"]");
      assertEquals(
          201, api.post("/cases/silent-1/comments", "alice", "{\"text\":\"hello\"}").status());

      JsonNode dead = awaitDeadLetter(api, "acme:silent-1:2");
      assertEquals(4, dead.get("attempts").asInt(), dead::toString);
      awaitAttempts(node, "dead_lettered", 1);
      PrometheusText metrics = scrape(node);
      assertEquals(3, metrics.sum("caseflow_webhook_deliveries_total", "outcome", "failed"));
      assertEquals(1, metrics.sum("caseflow_webhook_undelivered", "delivery_status", "dead"));
      assertEquals("comment_added", dead.get("eventType").asText());
      assertTrue(dead.get("lastError").asText().contains("Timeout"), dead::toString);
      assertTrue(
          receiver.received().stream().allMatch(d -> d.eventId().equals("acme:silent-1:2")),
          "only the subscribed event type");
      assertEquals(
          0,
          api.get("/webhooks/dead-letters", "victor").json().size(),
          "another tenant's dead letters are not listed");

      receiver.behave(Behaviour.ACCEPT);
      Response foreign =
          api.post(
              "/webhooks/dead-letters/" + dead.get("id").asLong() + "/redrive", "victor", null);
      assertEquals("delivery_not_found", foreign.code(), "another tenant cannot re-drive it");
      Response redriven =
          api.post("/webhooks/dead-letters/" + dead.get("id").asLong() + "/redrive", "carol", null);
      assertEquals(202, redriven.status(), redriven::toString);
      receiver.awaitUntil(r -> r.acceptedOnce().size() == 1, PATIENCE);
      assertEquals("acme:silent-1:2", receiver.acceptedOnce().get(0).eventId());
      assertEquals(0, api.get("/webhooks/dead-letters", "carol").json().size());
      awaitAttempts(node, "delivered", 1);
    }
  }

  /**
   * A delivery's outcome is counted once it is recorded, a moment after the receiver has it and the
   * delivery has left the API's lists.
   */
  private static void awaitAttempts(RunningCaseflow node, String outcome, double expected)
      throws Exception {
    Eventually.until(
        expected + " webhook delivery attempts counted " + outcome,
        PATIENCE,
        () ->
            scrape(node).find("caseflow_webhook_deliveries_total", "outcome", outcome).stream()
                .mapToDouble(PrometheusText.Sample::value)
                .sum(),
        counted -> counted == expected);
  }

  private static PrometheusText scrape(RunningCaseflow node) {
    return PrometheusText.parse(new ApiClient(node.managementUrl()).get("/metrics", null).text());
  }

  @Test
  void restartingMidDeliveryLosesNothing() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      List<String> expected = new ArrayList<>();
      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings())) {
        ApiClient api = new ApiClient(node.baseUrl());
        subscribe(api, receiver.url(), "[]");
        open(api, "alice", "restart-1");
        open(api, "alice", "restart-2");
        expected.addAll(List.of("acme:restart-1:1", "acme:restart-2:1"));
        receiver.awaitUntil(r -> r.acceptedOnce().size() == 2, PATIENCE);

        receiver.behave(Behaviour.FAIL);
        for (String id : List.of("restart-1", "restart-2")) {
          for (int i = 0; i < 3; i++) {
            assertEquals(
                201,
                api.post("/cases/" + id + "/comments", "bob", "{\"text\":\"c" + i + "\"}")
                    .status());
            expected.add("acme:" + id + ":" + (i + 2));
          }
        }
        receiver.awaitUntil(r -> r.received().size() >= 4, PATIENCE);
      }
      receiver.behave(Behaviour.ACCEPT);
      try (RunningCaseflow restarted = RunningCaseflow.onPostgres(database, settings())) {
        receiver.awaitUntil(r -> r.acceptedOnce().size() >= expected.size(), PATIENCE);
        List<Delivery> accepted = receiver.acceptedOnce();
        assertEquals(
            Set.copyOf(expected),
            accepted.stream().map(Delivery::eventId).collect(Collectors.toSet()));
        assertInCaseOrder(accepted);
      }
    }
  }

  /**
   * Server-side request forgery: a webhook may not reach inside the network, neither by its
   * registered URL nor by a host that resolves elsewhere by the time it is delivered.
   */
  @Test
  void webhooksCannotReachInsideTheNetwork() throws Exception {
    Map<String, Object> closed = settings();
    closed.put("caseflow.webhooks.allowed-private-targets", List.of());
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, closed);
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      for (String url :
          List.of(
              receiver.url(),
              "http://127.0.0.1:7626/alive",
              "http://localhost:7626/alive",
              "http://[::1]/hook",
              "http://0.0.0.0/hook",
              "http://169.254.169.254/latest/meta-data/",
              "http://10.0.0.1/hook",
              "http://100.64.0.1/hook",
              "http://2130706433/hook",
              "http://0177.0.0.1/hook")) {
        Response refused =
            api.post(
                "/webhooks", "carol", "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\"}");
        assertEquals(422, refused.status(), url);
        assertEquals("invalid_field", refused.code(), url);
        assertEquals("url", refused.json().get("field").asText(), url);
      }
      assertEquals(0, api.get("/webhooks", "carol").json().size(), "nothing was registered");

      // A subscription whose host was public when it was registered and is not any more.
      String stored =
          SecretBox.ofBase64(RunningCaseflow.TEST_SECRET_KEY)
              .seal(SECRET, List.of("acme", "turned-private"));
      try (java.sql.Connection connection = database.connect();
          java.sql.PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO webhook_subscriptions (id, tenant, url, event_types, secret,"
                      + " created_at, created_by) VALUES ('turned-private', 'acme', ?, '', ?,"
                      + " CURRENT_TIMESTAMP - INTERVAL '1 minute', 'carol')")) {
        insert.setString(1, receiver.url());
        insert.setString(2, stored);
        insert.executeUpdate();
      }
      open(api, "alice", "ssrf-1");
      JsonNode dead = awaitDeadLetter(api, "acme:ssrf-1:1");
      assertTrue(dead.get("lastError").asText().contains("target refused"), dead::toString);
      assertEquals(List.of(), receiver.received(), "nothing reached the private address");
    }
  }

  @Test
  void subscriptionsAreValidatedAndBelongToOneTenant() throws Exception {
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings())) {
      ApiClient api = new ApiClient(node.baseUrl());
      String valid = "{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"" + SECRET + "\"}";
      assertEquals("forbidden", api.post("/webhooks", "alice", valid).code());
      assertEquals(
          "invalid_field",
          api.post("/webhooks", "carol", "{\"url\":\"ftp://x/y\",\"secret\":\"" + SECRET + "\"}")
              .code());
      assertEquals(
          "invalid_field",
          api.post("/webhooks", "carol", "{\"url\":\"http://x/y\",\"secret\":\"short\"}").code());
      assertEquals(
          "invalid_field",
          api.post(
                  "/webhooks",
                  "carol",
                  "{\"url\":\"http://x/y\",\"secret\":\"" + SECRET + "\",\"events\":[\"nope\"]}")
              .code());
      assertEquals(
          "missing_field",
          api.post("/webhooks", "carol", "{\"secret\":\"" + SECRET + "\"}").code());
      assertEquals("malformed_request", api.post("/webhooks", "carol", "{\"uri\":1}").code());

      Response created = api.post("/webhooks", "carol", valid);
      assertEquals(201, created.status(), created::toString);
      String id = created.json().get("id").asText();
      assertEquals("/webhooks/" + id, created.header("Location").orElseThrow());
      assertFalse(created.text().contains(SECRET), "a secret the client chose is not echoed");
      assertEquals(1, api.get("/webhooks", "carol").json().size());
      assertEquals(0, api.get("/webhooks", "victor").json().size());
      assertEquals("webhook_not_found", api.get("/webhooks/" + id, "victor").code());
      assertEquals(
          "webhook_not_found", api.request("DELETE", "/webhooks/" + id, "victor").send().code());
      assertEquals(
          "delivery_not_found",
          api.post("/webhooks/dead-letters/42/redrive", "carol", null).code());

      assertEquals(200, api.get("/webhooks/" + id, "carol").status());
      assertEquals(204, api.request("DELETE", "/webhooks/" + id, "carol").send().status());
      assertEquals("webhook_not_found", api.get("/webhooks/" + id, "carol").code());
    }
  }

  @Test
  void aGeneratedSecretIsShownOnceStoredEncryptedAndSignsTheDeliveries() throws Exception {
    // The embedded default, with no key set: the node generates its own.
    try (RunningCaseflow node = RunningCaseflow.onH2(settings());
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      Response created = api.post("/webhooks", "carol", "{\"url\":\"" + receiver.url() + "\"}");
      assertEquals(201, created.status(), created::toString);
      String id = created.json().get("id").asText();
      String secret = created.json().get("secret").asText();
      assertEquals(receiver.url(), created.json().get("url").asText(), "the subscription itself");
      assertEquals(32, java.util.Base64.getUrlDecoder().decode(secret).length, secret);

      assertFalse(api.get("/webhooks/" + id, "carol").text().contains(secret));
      assertFalse(api.get("/webhooks/" + id, "carol").json().has("secret"));
      assertFalse(api.get("/webhooks", "carol").text().contains(secret));
      String stored = storedSecret(node, id);
      assertTrue(stored.startsWith("v1:"), stored);
      assertFalse(stored.contains(secret), "stored encrypted");

      open(api, "alice", "generated-1");
      receiver.awaitUntil(r -> r.acceptedOnce().size() == 1, PATIENCE);
      Delivery delivery = receiver.acceptedOnce().get(0);
      assertTrue(delivery.signedWith(secret), () -> "bad signature on " + delivery);
      assertFalse(delivery.signedWith(stored), "signed with the secret, not its stored form");
    }
  }

  @Test
  void rotatingTheSecretChangesTheKeyDeliveriesAreSignedWith() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings());
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      Response created =
          api.post(
              "/webhooks",
              "carol",
              "{\"url\":\"" + receiver.url() + "\",\"secret\":\"" + SECRET + "\"}");
      String id = created.json().get("id").asText();
      open(api, "alice", "rotate-1");
      receiver.awaitUntil(r -> r.acceptedOnce().size() == 1, PATIENCE);
      assertTrue(receiver.acceptedOnce().get(0).signedWith(SECRET));
      String storedBefore = storedSecret(node, id);

      String rotatePath = "/webhooks/" + id + "/rotate-secret";
      assertEquals("forbidden", api.post(rotatePath, "alice", null).code());
      assertEquals("webhook_not_found", api.post(rotatePath, "victor", null).code());
      assertEquals(
          "webhook_not_found",
          api.post("/webhooks/no-such-id/rotate-secret", "carol", null).code());
      assertEquals(storedBefore, storedSecret(node, id), "refused rotations change nothing");

      Response rotated = api.post(rotatePath, "carol", null);
      assertEquals(200, rotated.status(), rotated::toString);
      assertEquals(id, rotated.json().get("id").asText());
      String generated = rotated.json().get("secret").asText();
      assertEquals(32, java.util.Base64.getUrlDecoder().decode(generated).length, generated);
      assertFalse(api.get("/webhooks/" + id, "carol").text().contains(generated));
      String storedAfter = storedSecret(node, id);
      assertTrue(storedAfter.startsWith("v1:") && !storedAfter.equals(storedBefore), storedAfter);

      open(api, "alice", "rotate-2");
      receiver.awaitUntil(r -> r.acceptedOnce().size() == 2, PATIENCE);
      Delivery afterRotation = receiver.acceptedOnce().get(1);
      assertEquals("acme:rotate-2:1", afterRotation.eventId());
      assertTrue(afterRotation.signedWith(generated), () -> "new secret: " + afterRotation);
      assertFalse(afterRotation.signedWith(SECRET), "not the old secret any more");

      assertEquals("invalid_field", api.post(rotatePath, "carol", "{\"secret\":\"short\"}").code());
      String chosen = "another-secret-of-32-characters";
      Response rotatedToChosen = api.post(rotatePath, "carol", "{\"secret\":\"" + chosen + "\"}");
      assertEquals(200, rotatedToChosen.status(), rotatedToChosen::toString);
      assertFalse(rotatedToChosen.json().has("secret"), "a chosen secret is not echoed");
      open(api, "alice", "rotate-3");
      receiver.awaitUntil(r -> r.acceptedOnce().size() == 3, PATIENCE);
      assertTrue(receiver.acceptedOnce().get(2).signedWith(chosen));
      assertFalse(receiver.acceptedOnce().get(2).signedWith(generated));
    }
  }

  /**
   * A database that holds encrypted secrets, started without the key (a deployment that forgot
   * CASEFLOW_SECRET_KEY): it starts, refuses new secrets, and holds deliveries back without
   * spending their attempts, until the key is back.
   */
  @Test
  void withoutTheKeyOnARealDatabaseSecretsAreRefusedAndDeliveriesWait() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    Map<String, Object> keyless = settings();
    keyless.put("caseflow.secret-key", "");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String id;
      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings())) {
        id = subscribe(new ApiClient(node.baseUrl()), receiver.url(), "[]");
      }
      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, keyless)) {
        ApiClient api = new ApiClient(node.baseUrl());
        Response refused =
            api.post(
                "/webhooks",
                "carol",
                "{\"url\":\"" + receiver.url() + "\",\"secret\":\"" + SECRET + "\"}");
        assertEquals(503, refused.status(), refused::toString);
        assertEquals("secret_key_missing", refused.code());
        assertEquals(
            "secret_key_missing",
            api.post("/webhooks/" + id + "/rotate-secret", "carol", null).code());
        assertEquals(1, api.get("/webhooks", "carol").json().size(), "listing still works");

        open(api, "alice", "keyless-1");
        awaitDelivery(node, "acme:keyless-1:1");
        Thread.sleep(2000);
        assertEquals(List.of(), receiver.received(), "nothing sent without the key");
        try (java.sql.Connection connection = node.connect();
            java.sql.ResultSet row =
                connection
                    .createStatement()
                    .executeQuery(
                        "SELECT status, attempts FROM webhook_deliveries"
                            + " WHERE event_id = 'acme:keyless-1:1'")) {
          assertTrue(row.next());
          assertEquals("pending", row.getString(1), "not dead-lettered");
          assertEquals(0, row.getInt(2), "no attempt spent");
        }
      }
      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings())) {
        receiver.awaitUntil(r -> r.acceptedOnce().size() == 1, PATIENCE);
        assertEquals("acme:keyless-1:1", receiver.acceptedOnce().get(0).eventId());
        assertTrue(receiver.acceptedOnce().get(0).signedWith(SECRET));
      }
    }
  }

  /**
   * A database from before encryption (migrated up to V6, with a clear-text secret) is upgraded:
   * start-up encrypts the secret in place, once, and deliveries are still signed with it.
   */
  @Test
  void clearTextSecretsFromBeforeAreEncryptedAtStartAndStillSign() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(database.url(), database.owner(), database.ownerPassword())
        .locations("classpath:db/common", "classpath:db/postgresql")
        .target("6")
        .load()
        .migrate();
    String legacy = "v1:a-clear-text-secret-of-before";
    try (java.sql.Connection connection = database.connect();
        java.sql.PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO webhook_subscriptions (id, tenant, url, event_types, secret,"
                    + " created_at, created_by) VALUES ('legacy-1', 'acme', ?, '', ?,"
                    + " CURRENT_TIMESTAMP, 'carol')")) {
      try (WebhookReceiver receiver = new WebhookReceiver()) {
        insert.setString(1, receiver.url());
        insert.setString(2, legacy);
        insert.executeUpdate();
        String encrypted;
        try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings())) {
          encrypted = storedSecret(node, "legacy-1");
          assertTrue(encrypted.startsWith("v1:"), encrypted);
          assertFalse(encrypted.contains("a-clear-text-secret-of-before"), encrypted);
          assertEquals(
              legacy,
              SecretBox.ofBase64(RunningCaseflow.TEST_SECRET_KEY)
                  .open(encrypted, List.of("acme", "legacy-1")),
              "the clear text that looked sealed was taken as clear text");
          open(new ApiClient(node.baseUrl()), "alice", "legacy-case");
          receiver.awaitUntil(r -> r.acceptedOnce().size() == 1, PATIENCE);
          assertTrue(receiver.acceptedOnce().get(0).signedWith(legacy));
        }
        try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings())) {
          assertEquals(encrypted, storedSecret(node, "legacy-1"), "not encrypted twice");
        }
      }
    }
  }

  private static String storedSecret(RunningCaseflow node, String id) throws Exception {
    try (java.sql.Connection connection = node.connect();
        java.sql.PreparedStatement select =
            connection.prepareStatement("SELECT secret FROM webhook_subscriptions WHERE id = ?")) {
      select.setString(1, id);
      try (java.sql.ResultSet row = select.executeQuery()) {
        assertTrue(row.next(), "no subscription " + id);
        return row.getString(1);
      }
    }
  }

  /** Waits until the read side has turned the event into a delivery row. */
  private static void awaitDelivery(RunningCaseflow node, String eventId) throws Exception {
    Eventually.awaitTrue(
        "a delivery of " + eventId,
        PATIENCE,
        () -> {
          try (java.sql.Connection connection = node.connect();
              java.sql.PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT 1 FROM webhook_deliveries WHERE event_id = ?")) {
            select.setString(1, eventId);
            try (java.sql.ResultSet row = select.executeQuery()) {
              return row.next();
            }
          }
        });
  }

  private static String subscribe(ApiClient api, String url, String events) {
    Response created =
        api.post(
            "/webhooks",
            "carol",
            "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\",\"events\":" + events + "}");
    assertEquals(201, created.status(), created::toString);
    return created.json().get("id").asText();
  }

  private static void open(ApiClient api, String user, String id) {
    api.openCase(user, id, id);
  }

  private static JsonNode awaitDeadLetter(ApiClient api, String eventId) throws Exception {
    return Eventually.await(
        eventId + " dead-lettered",
        PATIENCE,
        () -> {
          for (JsonNode dead : api.get("/webhooks/dead-letters", "carol").json()) {
            if (dead.get("eventId").asText().equals(eventId)) {
              return Optional.of(dead);
            }
          }
          return Optional.empty();
        });
  }

  /** Per case, the events were first accepted in sequence order. */
  private static void assertInCaseOrder(List<Delivery> accepted) {
    Map<String, List<Long>> seqs = new LinkedHashMap<>();
    for (Delivery delivery : accepted) {
      String[] parts = delivery.eventId().split(":");
      seqs.computeIfAbsent(parts[1], c -> new ArrayList<>()).add(Long.parseLong(parts[2]));
    }
    seqs.forEach(
        (caseId, order) ->
            assertEquals(order.stream().sorted().toList(), order, caseId + " in order"));
  }
}
