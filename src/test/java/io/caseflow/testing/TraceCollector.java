package io.caseflow.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An OTLP/HTTP receiver on a free loopback port: it keeps every export request's path, content type
 * and body and answers 200. It does not decode protobuf: {@link Export#carriesTrace} looks for a
 * trace id's 16 bytes, which the encoding carries as they are.
 */
public final class TraceCollector implements AutoCloseable {

  /** One export request as received. */
  public record Export(String path, String contentType, byte[] body) {

    public boolean carriesTrace(String traceId) {
      return indexOf(body, HexFormat.of().parseHex(traceId)) >= 0;
    }

    public boolean mentions(String text) {
      return indexOf(body, text.getBytes(StandardCharsets.UTF_8)) >= 0;
    }
  }

  private final HttpServer server;
  private final List<Export> exports = new ArrayList<>();

  public TraceCollector() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The endpoint to configure, without the {@code /v1/traces} the exporter appends. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Waits until an export {@code wanted} arrives and returns it; fails after {@code timeout}. */
  public synchronized Export awaitExport(Predicate<Export> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Export export : exports) {
        if (wanted.test(export)) {
          return export;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "none of the " + exports.size() + " exports was the one wanted within " + timeout);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    synchronized (this) {
      exports.add(
          new Export(
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body));
      notifyAll();
    }
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int start = 0; start + needle.length <= haystack.length; start++) {
      for (int i = 0; i < needle.length; i++) {
        if (haystack[start + i] != needle[i]) {
          continue outer;
        }
      }
      return start;
    }
    return -1;
  }
}
