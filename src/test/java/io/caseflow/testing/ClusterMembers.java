package io.caseflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient.Response;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.StreamSupport;

/** The cluster as one node sees it, on its Pekko Management port ({@code /cluster/members}). */
public final class ClusterMembers {

  private ClusterMembers() {}

  /**
   * Waits until the node at {@code managementUrl} sees a whole cluster of {@code count} members:
   * every one Up and none unreachable. Fails with the last view when it does not come.
   */
  public static void awaitWhole(String managementUrl, int count, Duration within)
      throws InterruptedException {
    ApiClient management = new ApiClient(managementUrl);
    Instant deadline = Instant.now().plus(within);
    String seen = "(not listening)";
    while (Instant.now().isBefore(deadline)) {
      try {
        Response members = management.get("/cluster/members", null);
        seen = members.toString();
        if (members.status() == 200 && isWhole(members.json(), count)) {
          return;
        }
      } catch (UncheckedIOException notYetListening) {
        // keep waiting
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        managementUrl + ": no cluster of " + count + " Up members within " + within + ": " + seen);
  }

  private static boolean isWhole(JsonNode view, int count) {
    long up =
        StreamSupport.stream(view.get("members").spliterator(), false)
            .filter(member -> "Up".equals(member.get("status").asText()))
            .count();
    return view.get("members").size() == count && up == count && view.get("unreachable").isEmpty();
  }
}
