package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        "/cases/c-1/made-up/path,               /cases/{caseId}/*/*,                       c-1,   -",
        "/etc/passwd,                           /*/*,                                      -,     -",
        "/,                                     /,                                         -,     -",
      })
  void takesIdsOutOfThePath(String path, String route, String caseId, String action) {
    assertEquals(new RequestTarget(route, caseId, action), RequestTarget.of(path));
  }
}
