package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The HTTP contract on the embedded H2 default, and the checks that do not depend on the database:
 * malformed requests are refused before any storage is asked, so the PostgreSQL run leaves them out
 * (the parts they rest on are also route-tested in memory, {@code RouteSupportTest}).
 */
class CaseApiH2IT extends CaseApiContract {

  @Override
  RunningCaseflow startNode(Map<String, Object> settings) {
    return RunningCaseflow.onH2(settings);
  }

  @Nested
  class MalformedRequests {

    @Test
    void rejectsBodyThatIsNotJson() {
      assertProblem(api.post("/cases", "alice", "{\"workflow\":"), 400, "malformed_request");
    }

    @Test
    void rejectsUnknownFields() {
      Response response =
          api.post(
              "/cases",
              "alice",
              "{\"workflow\":\"due-diligence\",\"subject\":\"S\",\"colour\":\"red\"}");
      assertProblem(response, 400, "malformed_request");
    }

    @Test
    void rejectsWrongTypes() {
      assertProblem(
          api.post("/cases", "alice", "{\"workflow\":\"due-diligence\",\"subject\":5}"),
          400,
          "malformed_request");
      assertProblem(api.post("/cases", "alice", "[1,2]"), 400, "malformed_request");
    }

    @Test
    void rejectsDeepNesting() {
      String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
      Response response =
          api.post(
              "/cases",
              "alice",
              "{\"workflow\":\"due-diligence\",\"subject\":\"S\",\"data\":" + deep + "}");
      assertProblem(response, 400, "malformed_request");
    }

    /**
     * The server reads an oversized body to its end before it answers, so the client, still
     * sending, reads its 413 instead of a reset connection; the connection stays open for the next
     * request. Twenty in a row on one client make a lost answer show.
     */
    @Test
    void rejectsOversizedBodyWithTooLargeAndWritesNothing() {
      for (int attempt = 0; attempt < 20; attempt++) {
        String id = newId();
        String huge = "x".repeat(70 * 1024 + attempt * 4096);
        String body =
            "{\"id\":\"" + id + "\",\"workflow\":\"due-diligence\",\"subject\":\"" + huge + "\"}";
        Response tooLarge = api.post("/cases", "alice", body);
        assertProblem(tooLarge, 413, "body_too_large");
        assertEquals("65536", tooLarge.json().get("limit").asText());
        assertProblem(api.get("/cases/" + id, "alice"), 404, "case_not_found");
      }
    }

    @Test
    void rejectsABodyThatIsNotUtf8AndStoresNothing() {
      String id = newId();
      byte[] latin1 =
          ("{\"id\":\"" + id + "\",\"workflow\":\"due-diligence\",\"subject\":\"Caf\u00e9 SA\"}")
              .getBytes(StandardCharsets.ISO_8859_1);
      assertProblem(
          api.request("POST", "/cases", "alice").body(latin1).send(), 400, "malformed_request");
      assertProblem(api.get("/cases/" + id, "alice"), 404, "case_not_found");

      byte[] utf8 =
          ("{\"id\":\"" + id + "\",\"workflow\":\"due-diligence\",\"subject\":\"Caf\u00e9 SA\"}")
              .getBytes(StandardCharsets.UTF_8);
      assertEquals(201, api.request("POST", "/cases", "alice").body(utf8).send().status());
      assertEquals("Caf\u00e9 SA", api.get("/cases/" + id, "alice").json().get("subject").asText());
    }

    @Test
    void rejectsAKeyGivenTwiceAndStoresNothing() {
      String id = newId();
      assertProblem(
          api.post(
              "/cases",
              "alice",
              "{\"id\":\""
                  + id
                  + "\",\"workflow\":\"due-diligence\",\"subject\":\"A\",\"subject\":\"B\"}"),
          400,
          "malformed_request");
      assertProblem(api.get("/cases/" + id, "alice"), 404, "case_not_found");
    }

    /** What the HTTP server refuses before any route runs is a problem with a code, too. */
    @Test
    void theServersOwnRefusalsAreProblems() {
      String longId = "x".repeat(3000);
      assertProblem(
          raw("GET", "/cases/" + longId, "GET /cases/" + longId + " HTTP/1.1"),
          414,
          "uri_too_long");
      assertProblem(raw("GET", "/cases/%zz", "GET /cases/%zz HTTP/1.1"), 400, "malformed_request");
      assertProblem(
          raw("GET", "/cases", "GET /cases HTTP/1.1", "X-Filler: " + "y".repeat(10_000)),
          431,
          "headers_too_large");
      // no operation's: the server answers them before a method or path means anything
      assertProblem(raw(null, "/cases", "FOO /cases HTTP/1.1"), 501, "method_not_implemented");
      assertProblem(raw(null, "/cases", "GET /cases HTTP/3.0"), 505, "http_version_not_supported");
    }

    private Response raw(String method, String path, String requestLine, String... headers) {
      StringBuilder request =
          new StringBuilder(requestLine)
              .append("\r\nHost: localhost\r\nAuthorization: Bearer demo-alice\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      Response response =
          api.raw(
              method,
              path,
              request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(Optional.of("nosniff"), response.header("X-Content-Type-Options"));
      return response;
    }

    @Test
    void rejectsBadHeaders() {
      String id = submitted();
      Response badVersion =
          api.request("POST", "/cases/" + id + "/actions/approve", "bob")
              .header("If-Match", "soon")
              .send();
      assertProblem(badVersion, 400, "malformed_request");
      assertEquals("in_review", api.get("/cases/" + id, "bob").json().get("state").asText());
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
      assertProblem(api.get("/nothing-here", "alice"), 404, "not_found");
      assertProblem(
          api.request("DELETE", "/cases/" + newId(), "alice").send(), 405, "method_not_allowed");
    }

    @Test
    void differentProblemsKeepTheirOwnDetail() {
      Response one = api.post("/cases", "alice", "{");
      Response two = api.post("/cases", "alice", "{\"x\":1}");
      assertFalse(one.json().get("detail").asText().isBlank());
      assertNotEquals(one.json().get("detail"), two.json().get("detail"));
    }
  }
}
