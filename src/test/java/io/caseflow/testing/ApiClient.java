package io.caseflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A plain HTTP client for the API, speaking JSON, as any client would. */
public final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // The service closes a connection that was idle for 60 s (pekko.http.server.idle-timeout).
    // The JDK keeps idle connections for 1,200 s, so a request sent after a minute's pause could
    // go out on a connection the server was closing that moment, and fail with a reset: the
    // bench's seeding after its 60 s of warm-up did, now and then. Idle connections are dropped
    // at 30 s instead. (Read once, when the JDK's connection pool is first used.)
    if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
      System.setProperty("jdk.httpclient.keepalive.timeout", "30");
    }
  }

  /** HTTP/1.1, as the service speaks it: no h2c upgrade offered on every new connection. */
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String baseUrl;
  private final OpenApiContract contract;
  private final Set<OpenApiContract.Operation> answered = ConcurrentHashMap.newKeySet();

  public ApiClient(String baseUrl) {
    this(baseUrl, null);
  }

  private ApiClient(String baseUrl, OpenApiContract contract) {
    this.baseUrl = baseUrl;
    this.contract = contract;
  }

  /**
   * A client that checks every answer against the service's OpenAPI document, failing the request
   * whose answer does not fit it.
   */
  public static ApiClient checkedAgainstTheDocument(String baseUrl) {
    return new ApiClient(baseUrl, OpenApiContract.get());
  }

  /** The document's operations this client had an answer from (when it checks answers). */
  public Set<OpenApiContract.Operation> operationsAnswered() {
    return Set.copyOf(answered);
  }

  /** One response: its status, headers and body (parsed when it is JSON). */
  public record Response(int status, java.net.http.HttpHeaders headers, String text) {

    public JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("Not JSON: " + text, e);
      }
    }

    public String code() {
      return json().path("code").asText(null);
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  /** Starts a request; {@code user} is a demo principal (token demo-user) or null. */
  public Request request(String method, String path, String user) {
    return new Request(method, path, user);
  }

  public Response get(String path, String user) {
    return request("GET", path, user).send();
  }

  public Response post(String path, String user, String body) {
    return request("POST", path, user).body(body).send();
  }

  /**
   * Sends {@code request} as it is, bytes on a socket of its own, for what no HTTP client would
   * send (a bad percent-encoding, an unknown method, an overlong URI), and reads the answer until
   * the server closes the connection. When this client checks answers, the answer is checked as one
   * to {@code method} and {@code path}, unless {@code method} is null: a request that is no
   * operation's (an unknown method or protocol version).
   */
  public Response raw(String method, String path, byte[] request) {
    URI base = URI.create(baseUrl);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.shutdownOutput();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int headersEnd = answer.indexOf("\r\n\r\n");
      String[] head = answer.substring(0, headersEnd).split("\r\n");
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line : Arrays.asList(head).subList(1, head.length)) {
        int colon = line.indexOf(':');
        headers
            .computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      int status = Integer.parseInt(head[0].split(" ")[1]);
      String body =
          new String(
              answer.substring(headersEnd + 4).getBytes(StandardCharsets.ISO_8859_1),
              StandardCharsets.UTF_8);
      if (contract != null && method != null) {
        contract.check(method, path, status, headers, body).ifPresent(answered::add);
      }
      return new Response(status, HttpHeaders.of(headers, (name, value) -> true), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a due-diligence case with that id and subject, and fails unless it was opened. */
  public Response openCase(String user, String id, String subject) {
    return openCase(user, id, subject, "{}");
  }

  /** As {@link #openCase(String, String, String)}, with the case's data (a JSON object). */
  public Response openCase(String user, String id, String subject, String data) {
    Response opened =
        post(
            "/cases",
            user,
            "{\"id\":\""
                + id
                + "\",\"workflow\":\"due-diligence\",\"subject\":\""
                + subject
                + "\",\"data\":"
                + data
                + "}");
    if (opened.status() != 201) {
      throw new AssertionError("case " + id + " was not opened: " + opened);
    }
    return opened;
  }

  /** Waits until no projection of the read side is behind the journal (as operator oscar). */
  public void awaitReadSideIdle() throws Exception {
    Eventually.awaitTrue(
        "the read side catching up",
        Duration.ofSeconds(20),
        () -> {
          boolean idle = true;
          for (JsonNode projection : get("/admin/read-side", "oscar").json().get("projections")) {
            idle &= projection.get("eventsBehind").asLong() == 0;
          }
          return idle;
        });
  }

  public final class Request {

    private final HttpRequest.Builder builder;
    private final String method;
    private final String path;
    private byte[] body;

    private Request(String method, String path, String user) {
      this.method = method;
      this.path = path;
      this.builder =
          HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
      if (user != null) {
        builder.header("Authorization", "Bearer demo-" + user);
      }
    }

    public Request header(String name, String value) {
      builder.header(name, value);
      return this;
    }

    public Request body(String json) {
      return body(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of these bytes as {@code application/json}, whatever they are. */
    public Request body(byte[] json) {
      this.body = json;
      builder.header("Content-Type", "application/json");
      return this;
    }

    public Response send() {
      HttpRequest.BodyPublisher publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body);
      try {
        HttpResponse<String> response =
            http.send(
                builder.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
        if (contract != null) {
          contract
              .check(method, path, response.statusCode(), response.headers().map(), response.body())
              .ifPresent(answered::add);
        }
        return new Response(response.statusCode(), response.headers(), response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
