package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caseflow.cases.Principal;
import io.caseflow.testing.JUnit5RouteTest;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * What every route group gets from {@link RouteSupport}, answered as the API answers (through
 * {@link ProblemHandling}), in memory: each guard is made to say no.
 */
class RouteSupportTest extends JUnit5RouteTest {

  static final Principal ALICE = new Principal("alice", "acme", Set.of("analyst"));
  static final ObjectMapper JSON = new ObjectMapper();

  /** A route group of nothing but the support's parts. */
  static final class Probe extends RouteSupport {

    Probe(Context context) {
      super(context);
    }

    Route routes() {
      return concat(
          path(
              "guarded",
              () ->
                  get(
                      () ->
                          requireAnyRole(
                              ALICE, Set.of("reviewer", "admin"), "approve", () -> complete("")))),
          path(
              PathMatchers.segment("cases").slash(PathMatchers.segment()),
              id -> get(() -> caseId(ALICE, id, caseId -> complete(caseId.entityId())))),
          path(
              "broken",
              () ->
                  get(
                      () ->
                          blocking(
                              () -> {
                                throw new IllegalStateException("disk");
                              }))),
          path(
              "bad-cursor",
              () ->
                  get(
                      () ->
                          blocking(
                              () -> {
                                throw new MalformedRequestException("not a cursor");
                              }))),
          path(
              "stored",
              () ->
                  get(
                      () ->
                          answered(
                              CompletableFuture.failedFuture(new SQLException("down")),
                              Map.of("caseId", "c-1")))),
          path(
              "comments",
              () ->
                  post(
                      () ->
                          commandHeaders(
                              (key, version) ->
                                  body(
                                      RequestBodies.AddComment.class,
                                      true,
                                      body ->
                                          complete(key + " " + version + " " + body.text()))))));
    }
  }

  private final Problems problems = new Problems(new Json(4));
  private final TestRoute route =
      testRoute(
          new ProblemHandling(problems)
              .answering(
                  new Probe(
                          new RouteSupport.Context(
                              new Json(4), problems, Runnable::run, 64, tokens -> Map.of()))
                      .routes()));

  @Test
  void aPrincipalWithoutOneOfTheRolesIsForbidden() throws Exception {
    JsonNode problem = problem(route.run(HttpRequest.GET("/guarded")), 403, "forbidden");
    assertEquals("admin, reviewer", problem.get("roles").asText());
    assertEquals("approve", problem.get("action").asText());
  }

  @Test
  void aMalformedCaseIdNamesNoCase() throws Exception {
    problem(route.run(HttpRequest.GET("/cases/no%20such")), 404, "case_not_found");
    assertEquals("acme:c-1", route.run(HttpRequest.GET("/cases/c-1")).entityString());
  }

  @Test
  void failedStorageWorkIsUnavailableAndAMalformedRequestItFoundIsTheClients() throws Exception {
    problem(route.run(HttpRequest.GET("/broken")), 503, "unavailable");
    assertEquals(
        "c-1",
        problem(route.run(HttpRequest.GET("/stored")), 503, "unavailable").get("caseId").asText());
    problem(route.run(HttpRequest.GET("/bad-cursor")), 400, "malformed_request");
  }

  @Test
  void commandHeadersAndBodyAreRead() {
    assertEquals("k-1 3 hi", comment("{\"text\":\"hi\"}", "k-1", "W/\"3\"").entityString());
    assertEquals("k-1 null hi", comment("{\"text\":\"hi\"}", "k-1", "*").entityString());
    assertEquals("null 7 hi", comment("{\"text\":\"hi\"}", null, "\"7\"").entityString());
  }

  @Test
  void malformedCommandsAreRefused() throws Exception {
    problem(comment("{\"text\":\"hi\"}", "k-1", "soon"), 400, "malformed_request");
    problem(comment("{\"text\":\"hi\"}", "k 1", null), 400, "malformed_request");
    problem(comment("{\"text\":\"hi\",\"shout\":true}", null, null), 400, "malformed_request");
    problem(comment("{\"text\":5}", null, null), 400, "malformed_request");
    problem(comment("", null, null), 400, "malformed_request");
  }

  @Test
  void aBodyOverTheLimitIsTooLargeWhetherItCameWholeOrInChunks() throws Exception {
    String over = "{\"text\":\"" + "x".repeat(100) + "\"}";
    assertEquals(
        "64", problem(comment(over, null, null), 413, "body_too_large").get("limit").asText());
    List<ByteString> chunks =
        over.chars().mapToObj(c -> ByteString.fromString(Character.toString(c))).toList();
    HttpRequest chunked =
        HttpRequest.POST("/comments")
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Source.from(chunks)));
    problem(route.run(chunked), 413, "body_too_large");
    String within = "{\"text\":\"" + "x".repeat(40) + "\"}";
    HttpRequest chunkedWithin =
        HttpRequest.POST("/comments")
            .withEntity(
                HttpEntities.create(
                    ContentTypes.APPLICATION_JSON,
                    Source.from(List.of(ByteString.fromString(within)))));
    assertEquals("null null " + "x".repeat(40), route.run(chunkedWithin).entityString());
  }

  @Test
  void aBodyThatIsNotUtf8IsMalformedNotRepaired() throws Exception {
    byte[] latin1 = "{\"text\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    problem(
        route.run(HttpRequest.POST("/comments").withEntity(ContentTypes.APPLICATION_JSON, latin1)),
        400,
        "malformed_request");
    byte[] utf8 = "{\"text\":\"caf\u00e9 \u2713\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "null null caf\u00e9 \u2713",
        route
            .run(HttpRequest.POST("/comments").withEntity(ContentTypes.APPLICATION_JSON, utf8))
            .entityString());
  }

  @Test
  void aKeyTwiceInOneObjectIsMalformed() throws Exception {
    problem(comment("{\"text\":\"a\",\"text\":\"b\"}", null, null), 400, "malformed_request");
  }

  @Test
  void everyUnavailableAnswerSaysWhenToRetry() {
    assertEquals(
        Optional.of("1"),
        route
            .run(HttpRequest.GET("/broken"))
            .response()
            .getHeader("Retry-After")
            .map(h -> h.value()));
  }

  @Test
  void noSuchPathOrMethodIsAProblemToo() throws Exception {
    problem(route.run(HttpRequest.GET("/nowhere")), 404, "not_found");
    problem(route.run(HttpRequest.POST("/guarded")), 405, "method_not_allowed");
  }

  private TestRouteResult comment(String body, String key, String ifMatch) {
    HttpRequest request =
        HttpRequest.POST("/comments").withEntity(ContentTypes.APPLICATION_JSON, body);
    if (key != null) {
      request = request.addHeader(RawHeader.create("Idempotency-Key", key));
    }
    if (ifMatch != null) {
      request = request.addHeader(RawHeader.create("If-Match", ifMatch));
    }
    return route.run(request);
  }

  private static JsonNode problem(TestRouteResult result, int status, String code)
      throws Exception {
    assertEquals(status, result.statusCode(), result::entityString);
    JsonNode problem = JSON.readTree(result.entityString());
    assertEquals(code, problem.get("code").asText(), problem::toString);
    return problem;
  }
}
