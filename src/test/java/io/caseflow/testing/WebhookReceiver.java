package io.caseflow.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caseflow.notify.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real HTTP server receiving webhook deliveries on a free loopback port. It records every request
 * and answers as its current behaviour says: accept, fail with an error status, or hang.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as received; {@code accepted} is whether it was answered 2xx. */
  public record Delivery(
      String eventId,
      String eventType,
      String timestamp,
      String signature,
      String body,
      boolean accepted) {

    public boolean signedWith(String secret) {
      return WebhookSignature.sign(secret, Long.parseLong(timestamp), body).equals(signature);
    }
  }

  public enum Behaviour {
    ACCEPT,
    FAIL,
    HANG
  }

  private final HttpServer server;
  private final List<Delivery> received = new ArrayList<>();
  private Behaviour behaviour = Behaviour.ACCEPT;
  private int failuresLeft;

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public synchronized void behave(Behaviour behaviour) {
    this.behaviour = behaviour;
    notifyAll();
  }

  /** Fails the next {@code count} requests, then behaves as set. */
  public synchronized void failNext(int count) {
    this.failuresLeft = count;
  }

  public synchronized List<Delivery> received() {
    return List.copyOf(received);
  }

  /** The accepted deliveries, each event once (receivers deduplicate by event id). */
  public synchronized List<Delivery> acceptedOnce() {
    List<Delivery> unique = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Delivery delivery : received) {
      if (delivery.accepted() && seen.add(delivery.eventId())) {
        unique.add(delivery);
      }
    }
    return unique;
  }

  public synchronized List<Delivery> awaitUntil(Predicate<WebhookReceiver> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(received);
  }

  @Override
  public void close() {
    behave(Behaviour.ACCEPT);
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Behaviour now;
    synchronized (this) {
      now = failuresLeft > 0 ? Behaviour.FAIL : behaviour;
      if (failuresLeft > 0) {
        failuresLeft--;
      }
      received.add(
          new Delivery(
              exchange.getRequestHeaders().getFirst(WebhookSignature.EVENT_ID_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookSignature.EVENT_TYPE_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
              body,
              now == Behaviour.ACCEPT));
      notifyAll();
      while (now == Behaviour.HANG && behaviour == Behaviour.HANG) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    exchange.sendResponseHeaders(now == Behaviour.ACCEPT ? 204 : 500, -1);
    exchange.close();
  }
}
