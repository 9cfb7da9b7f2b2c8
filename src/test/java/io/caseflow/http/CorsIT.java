package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With origins configured, their pages may call the API from a browser and no other origin may;
 * without, no CORS header is ever sent (see {@code CaseApiContract.TenantsAndTokens}).
 */
class CorsIT {

  private static final String APP = "https://app.example.com";

  @Test
  void onlyTheConfiguredOriginsMayCallFromABrowser() {
    try (RunningCaseflow node =
        RunningCaseflow.onH2(
            Map.of("caseflow.http.cors-origins", APP + ",https://other.example"))) {
      ApiClient api = new ApiClient(node.baseUrl());

      Response preflight =
          api.request("OPTIONS", "/cases", null)
              .header("Origin", APP)
              .header("Access-Control-Request-Method", "POST")
              .header(
                  "Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
              .send();
      assertEquals(200, preflight.status(), preflight::toString);
      assertEquals(Optional.of(APP), preflight.header("Access-Control-Allow-Origin"));
      assertTrue(
          preflight.header("Access-Control-Allow-Methods").orElse("").contains("POST"),
          preflight::toString);
      assertTrue(
          preflight
              .header("Access-Control-Allow-Headers")
              .orElse("")
              .toLowerCase()
              .contains("authorization"),
          preflight::toString);
      assertEquals(
          Optional.empty(),
          preflight.header("Access-Control-Allow-Credentials"),
          "bearer tokens, never cookies");

      Response call = api.request("GET", "/workflows", "alice").header("Origin", APP).send();
      assertEquals(200, call.status(), call::toString);
      assertEquals(Optional.of(APP), call.header("Access-Control-Allow-Origin"));
      assertTrue(
          call.header("Access-Control-Expose-Headers").orElse("").contains("Caseflow-Consistency"),
          call::toString);

      Response foreignPreflight =
          api.request("OPTIONS", "/cases", null)
              .header("Origin", "https://evil.example")
              .header("Access-Control-Request-Method", "POST")
              .send();
      CaseApiContract.assertProblem(foreignPreflight, 403, "origin_not_allowed");
      assertEquals(Optional.empty(), foreignPreflight.header("Access-Control-Allow-Origin"));
      Response foreignCall =
          api.request("GET", "/workflows", "alice").header("Origin", "https://evil.example").send();
      CaseApiContract.assertProblem(foreignCall, 403, "origin_not_allowed");

      Response noOrigin = api.get("/workflows", "alice");
      assertEquals(200, noOrigin.status(), "clients that are not browsers send no origin");
      assertEquals(Optional.empty(), noOrigin.header("Access-Control-Allow-Origin"));
    }
  }
}
