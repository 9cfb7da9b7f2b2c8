package io.caseflow.http;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * A request body read whole when it is within the limit. A larger one is read to its end and
 * dropped, so that the client, which is still sending it, reads the {@code 413} on a connection
 * that stays open: answered before the body was read, it would be cut off, and the client sending
 * into a closed connection would most likely see a reset instead of the answer. Past the server's
 * own {@code pekko.http.server.parsing.max-content-length} the server stops reading and closes the
 * connection after the answer.
 */
final class BoundedBody {

  private BoundedBody() {}

  /** The body's bytes, or empty when there are more than {@code limit}. */
  static CompletionStage<Optional<ByteString>> read(
      HttpEntity entity, long limit, Materializer materializer) {
    if (entity.isKnownEmpty()) {
      return CompletableFuture.completedFuture(Optional.of(ByteString.emptyByteString()));
    }
    if (entity instanceof HttpEntity.Strict strict) {
      return CompletableFuture.completedFuture(within(strict.getData(), limit));
    }
    return entity
        .getDataBytes()
        .runFold(
            new Read(ByteString.emptyByteString(), false),
            (read, chunk) -> read.with(chunk, limit),
            materializer)
        .thenApply(read -> read.over() ? Optional.<ByteString>empty() : Optional.of(read.bytes()))
        .exceptionally(BoundedBody::overTheServersLimit);
  }

  private static Optional<ByteString> within(ByteString bytes, long limit) {
    return bytes.size() <= limit ? Optional.of(bytes) : Optional.empty();
  }

  private static Optional<ByteString> overTheServersLimit(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof EntityStreamSizeException) {
      return Optional.empty();
    }
    throw error instanceof CompletionException completion
        ? completion
        : new CompletionException(error);
  }

  /** What was read so far: the bytes while within the limit, nothing once past it. */
  private record Read(ByteString bytes, boolean over) {
    Read with(ByteString chunk, long limit) {
      if (over) {
        return this;
      }
      ByteString more = bytes.concat(chunk);
      return more.size() <= limit
          ? new Read(more, false)
          : new Read(ByteString.emptyByteString(), true);
    }
  }
}
