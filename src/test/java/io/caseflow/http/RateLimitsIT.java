package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The limits on a real node: a flood is answered 429 with Retry-After, and others go on. */
class RateLimitsIT {

  @Test
  void floodsAreAnswered429WhileOthersGoOn() throws Exception {
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(
            TestPostgres.newDatabase(),
            Map.of(
                "caseflow.rate-limits.enabled", true,
                "caseflow.rate-limits.principal-queries", 5,
                "caseflow.rate-limits.unauthenticated", 5,
                "caseflow.rate-limits.streams-per-principal", 2,
                "caseflow.http.event-stream-heartbeat", "200ms"))) {
      ApiClient api = new ApiClient(node.baseUrl());

      List<Response> burst = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        burst.add(api.get("/workflows", "alice"));
      }
      Response limited =
          burst.stream()
              .filter(r -> r.status() == 429)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no 429 in a burst of 20: " + burst));
      assertEquals("rate_limited", limited.code());
      assertTrue(
          Integer.parseInt(limited.header("Retry-After").orElseThrow()) >= 1, limited::toString);
      assertEquals(200, api.get("/workflows", "bob").status(), "bob is not alice");
      assertTrue(
          recorded(api, "actor=alice&code=rate_limited", refusal -> true) >= 1,
          "the 429s are on record");

      List<SseStream> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          streams.add(SseStream.open(node.baseUrl(), "/events", "erin", Optional.empty()));
          assertEquals(200, streams.get(i).status());
        }
        SseStream third = SseStream.open(node.baseUrl(), "/events", "erin", Optional.empty());
        assertEquals(429, third.status(), "erin's third open stream");
        assertEquals("rate_limited", third.problem().get("code").asText());
        assertEquals(200, api.get("/workflows", "erin").status(), "erin's other requests go on");
        streams.remove(0).close();
        assertTrue(reopens(node, "erin"), "a closed stream frees its place");
      } finally {
        streams.forEach(SseStream::close);
      }

      int refusedBeforeVerification = 0;
      for (int i = 0; i < 20; i++) {
        Response guess =
            api.request("GET", "/workflows", null)
                .header("Authorization", "Bearer guess-" + i)
                .send();
        if (guess.status() == 429) {
          refusedBeforeVerification++;
          assertEquals("rate_limited", guess.code());
        } else {
          assertEquals(401, guess.status());
        }
      }
      assertTrue(refusedBeforeVerification >= 10, "guessing stops at the address's budget");
      int blocked = refusedBeforeVerification;
      assertTrue(
          recorded(api, "code=rate_limited", refusal -> refusal.get("actor").isNull()) >= blocked,
          "refused before verification, and still on record");
    }
  }

  /**
   * How many refusals matching {@code query} and {@code which} the operator finds (repeats
   * counted), once there are any; the operator's own queries are rate limited too.
   */
  private static int recorded(ApiClient api, String query, Predicate<JsonNode> which)
      throws InterruptedException {
    for (int attempt = 0; attempt < 80; attempt++) {
      Response refusals = api.get("/refusals?" + query, "oscar");
      if (refusals.status() == 200) {
        int count = 0;
        for (JsonNode refusal : refusals.json().get("items")) {
          if (which.test(refusal)) {
            count += refusal.get("repeats").asInt();
          }
        }
        if (count > 0) {
          return count;
        }
      }
      Thread.sleep(250);
    }
    return 0;
  }

  private static boolean reopens(RunningCaseflow node, String user) throws InterruptedException {
    for (int attempt = 0; attempt < 50; attempt++) {
      SseStream again = SseStream.open(node.baseUrl(), "/events", user, Optional.empty());
      boolean opened = again.status() == 200;
      again.close();
      if (opened) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }
}
