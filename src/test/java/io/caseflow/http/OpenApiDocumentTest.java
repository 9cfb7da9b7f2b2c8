package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.ErrorCode;
import io.caseflow.testing.OpenApiContract;
import io.caseflow.testing.OpenApiContract.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is valid OpenAPI 3.1, names exactly the service's error codes and event
 * types, and the check the HTTP tests run against it refuses answers it does not describe.
 */
class OpenApiDocumentTest {

  private static final OpenApiContract CONTRACT = OpenApiContract.get();
  private static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"));
  private static final Map<String, List<String>> PROBLEM =
      Map.of("Content-Type", List.of("application/problem+json"));

  @Test
  void isValidOpenApi31() {
    assertEquals(List.of(), CONTRACT.parseMessages());
    assertEquals("3.1.0", CONTRACT.parsed().getOpenapi());
    assertTrue(CONTRACT.operations().size() >= 25, CONTRACT.operations()::toString);
  }

  @Test
  void namesExactlyTheServicesErrorCodesAndEventTypes() {
    assertEquals(
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList(),
        texts(CONTRACT.document().at("/components/schemas/ErrorCode/enum")));
    assertEquals(
        CaseEvent.TYPE_NAMES, texts(CONTRACT.document().at("/components/schemas/EventType/enum")));
  }

  @Test
  void everyOperationAnswersItsFailuresAsProblems() {
    for (Operation operation : CONTRACT.operations()) {
      JsonNode definition =
          CONTRACT.document().get("paths").get(operation.path()).get(operation.method());
      JsonNode responses = definition.get("responses");
      assertTrue(responses.has("500"), operation + " documents 500");
      boolean open = definition.has("security") && definition.get("security").isEmpty();
      if (!open) {
        assertTrue(responses.has("401"), operation + " documents 401");
        assertTrue(responses.has("429"), operation + " documents 429");
      }
    }
  }

  @Test
  void theCheckAcceptsWhatTheDocumentDescribes() {
    assertEquals(
        new Operation("get", "/cases/{caseId}/history/verify"),
        CONTRACT
            .check(
                "GET",
                "/cases/c-1/history/verify",
                200,
                JSON,
                "{\"valid\":true,\"events\":3,\"checkpoint\":null}")
            .orElseThrow());
    assertEquals(
        new Operation("get", "/webhooks/dead-letters"),
        CONTRACT.check("GET", "/webhooks/dead-letters", 200, JSON, "[]").orElseThrow(),
        "a literal path wins over a template that also matches");
    assertTrue(CONTRACT.check("GET", "/no/such/path", 404, PROBLEM, "{}").isEmpty());
  }

  @Test
  void theCheckRefusesWhatTheDocumentDoesNotDescribe() {
    refused("a required field missing", 200, JSON, "{\"valid\":true,\"checkpoint\":null}");
    refused(
        "a field the document does not name",
        200,
        JSON,
        "{\"valid\":true,\"events\":3,\"checkpoint\":null,\"extra\":1}");
    refused("a status the document does not name", 418, PROBLEM, problem(418, "internal_error"));
    refused("another content type", 200, PROBLEM, "{}");
    refused(
        "a contract header the document does not name for that answer",
        200,
        Map.of("Content-Type", List.of("application/json"), "ETag", List.of("\"3\"")),
        "{\"valid\":true,\"events\":3,\"checkpoint\":null}");
    assertThrows(
        AssertionError.class,
        () -> CONTRACT.check("GET", "/cases/c-1", 404, PROBLEM, problem(404, "no_such_code")),
        "a code outside the catalogue");
  }

  /** An answer of {@code GET /cases/{caseId}/history/verify} that the check must refuse. */
  private static void refused(
      String why, int status, Map<String, List<String>> headers, String body) {
    assertThrows(
        AssertionError.class,
        () -> CONTRACT.check("GET", "/cases/c-1/history/verify", status, headers, body),
        why);
  }

  private static String problem(int status, String code) {
    return "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":"
        + status
        + ",\"code\":\""
        + code
        + "\",\"detail\":\"d\"}";
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
