package io.caseflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server-sent events client for tests: connects like a browser's EventSource would, parses the
 * frames on a thread of its own, and lets a test wait for what it expects. Closing it drops the
 * connection, as a client going away does.
 */
public final class SseStream implements AutoCloseable {

  /** One event frame; {@code type} is the SSE event name. */
  public record Event(String id, String type, JsonNode data) {
    public String caseId() {
      return data.get("caseId").asText();
    }

    public long seq() {
      return data.get("seq").asLong();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final int status;
  private final HttpHeaders headers;
  private final InputStream body;
  private final List<Event> events = new ArrayList<>();
  private final Thread reader;
  private int heartbeats;
  private boolean ended;

  private SseStream(int status, HttpHeaders headers, InputStream body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects and waits for the response headers; {@code user} is a demo principal. */
  public static SseStream open(
      String baseUrl, String path, String user, Optional<String> lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer demo-" + user);
    lastEventId.ifPresent(id -> request.header("Last-Event-ID", id));
    try {
      HttpResponse<InputStream> response =
          HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      return new SseStream(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return status;
  }

  /** The response headers: for a refused stream, the problem document's content type. */
  public HttpHeaders headers() {
    return headers;
  }

  /** Waits until {@code count} events arrived (or the timeout passed) and answers all so far. */
  public List<Event> await(int count, Duration timeout) throws InterruptedException {
    return awaitUntil(received -> received.size() >= count, timeout);
  }

  /** Waits until the events so far satisfy {@code done} (or the timeout passed). */
  public synchronized List<Event> awaitUntil(Predicate<List<Event>> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(events) && !ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(events);
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  public synchronized int heartbeats() {
    return heartbeats;
  }

  /** Whether the server ended the stream. */
  public synchronized boolean ended() {
    return ended;
  }

  /** The body of a refused stream (a problem document). */
  public JsonNode problem() throws IOException {
    return JSON.readTree(body.readAllBytes());
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException ignored) {
      // Already gone: the point was to drop the connection.
    }
    try {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    if (status != 200) {
      return;
    }
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String type = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            add(new Event(id, type, JSON.readTree(data.toString())));
          }
          id = null;
          type = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          synchronized (this) {
            heartbeats++;
          }
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5));
        }
      }
    } catch (IOException e) {
      // The connection was closed, by the test or by the server.
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  private synchronized void add(Event event) {
    events.add(event);
    notifyAll();
  }
}
