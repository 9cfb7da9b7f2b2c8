package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.testing.OpenApiContract;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every path, as a client sends it, is one of the document's route templates or {@code unmatched}:
 * what labels metrics and spans and is written to the refusal log.
 */
class RequestTargetTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "/cases,                                /cases,                                    -,     -",
        "/cases/c-1,                            /cases/{caseId},                           c-1,   -",
        "/cases/c-1/actions/submit,             /cases/{caseId}/actions/{action},          c-1,   submit",
        "/cases/c-1/history/verify,             /cases/{caseId}/history/verify,            c-1,   -",
        "/cases/events,                         /cases/{caseId},                           events, -",
        "/cases/c-1/merge,                      /cases/{caseId}/merge,                     c-1,   -",
        "/webhooks/w-1/rotate-secret,           /webhooks/{webhookId}/rotate-secret,       -,     -",
        "/webhooks/dead-letters/7/redrive,      /webhooks/dead-letters/{deliveryId}/redrive, -,   -",
        "/sagas/s-1,                            /sagas/{sagaId},                           -,     -",
        "/admin/read-side/rebuild,              /admin/read-side/rebuild,                  -,     -",
        "/audit/checkpoints/12,                 /audit/checkpoints/{number},               -,     -",
        "/admin/audit/checkpoints,              /admin/audit/checkpoints,                  -,     -",
        "/audit/public-key,                     /audit/public-key,                         -,     -",
        "/admin/bulk/reassign,                  /admin/bulk/reassign,                      -,     -",
        "/admin/bulk/op-1,                      /admin/bulk/{operationId},                 -,     -",
        "/webhooks/dead-letters,                /webhooks/dead-letters,                    -,     -",
        "/console/console.js,                   /console/{file},                           -,     -",
        "/docs/a/b/c/d,                         /docs/{file},                              -,     -",
        "/cases/c-1/made-up/path,               unmatched,                                 -,     -",
        "/cases/c-1/,                           unmatched,                                 -,     -",
        "/cases//actions/submit,                unmatched,                                 -,     -",
        "/etc/passwd,                           unmatched,                                 -,     -",
        "/,                                     unmatched,                                 -,     -",
      })
  void takesIdsOutOfThePath(String path, String route, String caseId, String action) {
    assertEquals(new RequestTarget(route, caseId, action), RequestTarget.of(path));
  }

  @Test
  void everyDocumentedPathIsARouteOfItsOwn() {
    OpenApiContract.get().operations().stream()
        .map(OpenApiContract.Operation::path)
        .distinct()
        .forEach(
            template -> {
              String path = template.replaceAll("\\{[^}]+}", "x-1");
              assertEquals(template, RequestTarget.of(path).route(), path);
            });
  }

  @Test
  void madeUpPathsAreOneRoute() {
    Random random = new Random(31);
    Set<String> routes = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      StringBuilder path = new StringBuilder();
      int depth = 1 + random.nextInt(8);
      for (int segment = 0; segment < depth; segment++) {
        path.append('/').append(Long.toString(random.nextLong(), 36));
      }
      routes.add(RequestTarget.of(path.toString()).route());
    }
    assertEquals(Set.of(RequestTarget.UNMATCHED), routes);
  }
}
