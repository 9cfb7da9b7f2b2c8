package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestIssuer;
import io.caseflow.testing.TestPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Caseflow as deployed: on PostgreSQL, behind the customer's issuer. Its tokens move a case; a demo
 * token, a token in the URL and no token are refused.
 */
@ExtendWith(LogCapturingExtension.class)
class JwtAuthenticationIT {

  @Test
  void tokensOfTheIssuerMoveACaseAndNothingElseGetsIn() throws InterruptedException {
    try (TestIssuer issuer = new TestIssuer()) {
      Map<String, Object> settings = new HashMap<>(issuer.settings());
      settings.put("caseflow.auth.demo-tokens", "embedded-only");
      try (RunningCaseflow node =
          RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings)) {
        ApiClient api = new ApiClient(node.baseUrl());
        String alice = issuer.token("alice", "acme", "analyst");
        String bob = issuer.token("bob", "acme", "reviewer");

        Response opened =
            withToken(api.request("POST", "/cases", null), alice)
                .body(
                    "{\"id\":\"jwt-1\",\"workflow\":\"due-diligence\",\"subject\":\"JWT-1\","
                        + "\"data\":{\"riskLevel\":\"low\"}}")
                .send();
        assertEquals(201, opened.status(), opened::toString);
        assertEquals(
            200,
            withToken(api.request("POST", "/cases/jwt-1/actions/submit", null), alice)
                .send()
                .status());
        Response approved =
            withToken(api.request("POST", "/cases/jwt-1/actions/approve", null), bob).send();
        assertEquals(200, approved.status(), approved::toString);
        assertEquals(
            "approved",
            withToken(api.request("GET", "/cases/jwt-1", null), alice)
                .send()
                .json()
                .get("state")
                .asText());

        String erinEdDSA =
            issuer.sign(
                issuer.validClaims("erin", "acme", List.of("analyst")).build(), JWSAlgorithm.EdDSA);
        assertEquals(
            200,
            withToken(api.request("GET", "/cases/jwt-1", null), erinEdDSA).send().status(),
            "an EdDSA token, signed with the issuer's Ed25519 key (a default algorithm)");

        assertEquals(
            404,
            withToken(
                    api.request("GET", "/cases/jwt-1", null),
                    issuer.token("dave", "globex", "analyst", "reviewer"))
                .send()
                .status(),
            "another tenant's principal sees nothing");

        Response demo = api.get("/cases/jwt-1", "alice");
        assertEquals(401, demo.status(), "demo tokens are off on a real database");
        assertEquals("unauthenticated", demo.code());
        assertEquals(
            Optional.of("Bearer error=\"invalid_token\""), demo.header("WWW-Authenticate"));

        Response none = api.get("/cases/jwt-1", null);
        assertEquals(401, none.status());
        assertEquals(Optional.of("Bearer"), none.header("WWW-Authenticate"));

        assertEquals(
            401,
            api.get("/cases/jwt-1?access_token=" + alice, null).status(),
            "a token in the URL counts for nothing");

        String expired =
            issuer.sign(
                issuer
                    .validClaims("mallory", "acme", List.of("admin"))
                    .expirationTime(new Date(System.currentTimeMillis() - 3_600_000))
                    .build(),
                JWSAlgorithm.RS256);
        assertEquals(
            401, withToken(api.request("GET", "/cases/jwt-1", null), expired).send().status());
        String carol = issuer.token("carol", "acme", "admin");
        JsonNode refused = awaitRefusal(api, carol, "actor=mallory");
        assertEquals("acme", refused.get("tenant").asText(), refused::toString);
        assertFalse(refused.get("actorVerified").asBoolean(), "claimed, not verified");
        assertEquals("unauthenticated", refused.get("code").asText());
        assertEquals("jwt-1", refused.get("caseId").asText());
      }
    }
  }

  /** An issuer that is down does not stop start-up; its tokens are refused until it answers. */
  @Test
  void anUnreachableIssuerDoesNotStopStartUp() throws InterruptedException {
    String token;
    Map<String, Object> settings;
    try (TestIssuer gone = new TestIssuer()) {
      settings = new HashMap<>(gone.settings());
      token = gone.token("alice", "acme", "analyst");
    }
    settings.put("caseflow.auth.demo-tokens", "false");
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings)) {
      ApiClient api = new ApiClient(node.baseUrl());
      awaitReady(api);
      assertEquals(401, withToken(api.request("GET", "/cases", null), token).send().status());
    }
  }

  /**
   * Tokens wait while the issuer does not answer, and only they: the HTTP threads are as few as the
   * cores, so the key fetch must not hold them, or a silent issuer would stop every route.
   */
  @Test
  void anIssuerThatDoesNotAnswerHoldsOnlyTheTokensWaitingForIt() throws Exception {
    String token;
    try (TestIssuer signer = new TestIssuer()) {
      token = signer.token("alice", "acme", "analyst");
    }
    // connections land in the backlog and are never answered
    try (ServerSocket silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
      Map<String, Object> settings =
          Map.of(
              "caseflow.auth.jwt.issuer",
              "http://127.0.0.1:" + silent.getLocalPort(),
              "caseflow.auth.jwt.audience",
              TestIssuer.AUDIENCE,
              "caseflow.auth.demo-tokens",
              "false");
      try (RunningCaseflow node =
          RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings)) {
        ApiClient api = new ApiClient(node.baseUrl());
        awaitReady(api);
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          waiting.add(
              client.sendAsync(
                  HttpRequest.newBuilder(URI.create(node.baseUrl() + "/cases"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(500);

        assertEquals(200, api.get("/health/ready", null).status());
        assertTrue(
            waiting.stream().noneMatch(CompletableFuture::isDone),
            () ->
                "the tokens still wait for the issuer while other routes answer: "
                    + waiting.stream()
                        .filter(CompletableFuture::isDone)
                        .map(
                            response -> response.join().statusCode() + " " + response.join().body())
                        .toList());
        for (CompletableFuture<HttpResponse<String>> response : waiting) {
          assertEquals(401, response.get(30, TimeUnit.SECONDS).statusCode());
        }
      }
    }
  }

  /**
   * The attack of the issue, end to end: tokens with made-up key ids, as from many addresses (the
   * budget per address is lifted), while the issuer rotates its key. The first request with the
   * rotated key is served, tokens of a key already cached are served throughout, and the flood
   * costs the issuer at most a key set fetch a second.
   */
  @Test
  void aKeyRotatedDuringAFloodOfUnknownKeyIdsIsTakenByItsFirstRequest() throws Exception {
    try (TestIssuer issuer = new TestIssuer()) {
      Map<String, Object> settings = new HashMap<>(issuer.settings());
      settings.put("caseflow.auth.demo-tokens", "false");
      settings.put("caseflow.rate-limits.unauthenticated", 1_000_000);
      try (RunningCaseflow node =
          RunningCaseflow.onPostgres(TestPostgres.newDatabase(), settings)) {
        ApiClient api = new ApiClient(node.baseUrl());
        String known =
            issuer.sign(
                issuer.validClaims("bob", "acme", List.of("reviewer")).build(), JWSAlgorithm.ES256);
        assertEquals(200, withToken(api.request("GET", "/cases", null), known).send().status());
        int fetchesBefore = issuer.keySetFetches();
        long start = System.nanoTime();

        HttpClient client = HttpClient.newHttpClient();
        ConcurrentLinkedQueue<CompletableFuture<HttpResponse<String>>> flood =
            new ConcurrentLinkedQueue<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread attacker =
            new Thread(
                () -> {
                  while (flooding.get()) {
                    flood.add(
                        client.sendAsync(
                            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/cases"))
                                .header("Authorization", "Bearer " + issuer.tokenWithUnknownKeyId())
                                .build(),
                            HttpResponse.BodyHandlers.ofString()));
                    try {
                      Thread.sleep(5);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
        attacker.start();
        try {
          for (int round = 0; round < 40; round++) {
            if (round == 20) {
              issuer.rotate();
              Response rotated =
                  withToken(
                          api.request("GET", "/cases", null),
                          issuer.token("alice", "acme", "analyst"))
                      .send();
              assertEquals(200, rotated.status(), "the first request with the rotated key");
            }
            assertEquals(
                200,
                withToken(api.request("GET", "/cases", null), known).send().status(),
                "a token of a cached key, during the flood");
            Thread.sleep(50);
          }
        } finally {
          flooding.set(false);
          attacker.join();
        }
        for (CompletableFuture<HttpResponse<String>> junk : flood) {
          assertEquals(401, junk.get(60, TimeUnit.SECONDS).statusCode());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int fetches = issuer.keySetFetches() - fetchesBefore;
        assertTrue(
            fetches <= seconds + 1,
            fetches + " key set fetches in " + seconds + " s of " + flood.size() + " junk tokens");
      }
    }
  }

  private static void awaitReady(ApiClient api) throws InterruptedException {
    for (int attempt = 0; attempt < 120; attempt++) {
      if (api.get("/health/ready", null).status() == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the node did not become ready within 30 s");
  }

  /** The refusal log as {@code admin} sees it, once it lists a refusal matching {@code query}. */
  private static JsonNode awaitRefusal(ApiClient api, String admin, String query)
      throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      Response refusals = withToken(api.request("GET", "/refusals?" + query, null), admin).send();
      assertEquals(200, refusals.status(), refusals::toString);
      if (refusals.json().get("items").size() > 0) {
        return refusals.json().get("items").get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no refusal matches " + query);
  }

  private static ApiClient.Request withToken(ApiClient.Request request, String token) {
    return request.header("Authorization", "Bearer " + token);
  }
}
