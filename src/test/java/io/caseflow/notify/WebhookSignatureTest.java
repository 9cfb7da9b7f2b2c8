package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  @Test
  void signsTimestampDotBodyWithHmacSha256AsReceiversComputeIt() {
    // The value Python's hmac module gives for the same key and message (README's example).
    assertEquals(
        "v1=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23",
        WebhookSignature.sign("0123456789abcdef", 1_700_000_000L, "{\"a\":1}"));
  }

  @Test
  void anotherTimestampBodyOrSecretGivesAnotherSignature() {
    String signature = WebhookSignature.sign("0123456789abcdef", 1_700_000_000L, "{\"a\":1}");
    assertNotEquals(
        signature, WebhookSignature.sign("0123456789abcdef", 1_700_000_001L, "{\"a\":1}"));
    assertNotEquals(
        signature, WebhookSignature.sign("0123456789abcdef", 1_700_000_000L, "{\"a\":2}"));
    assertNotEquals(
        signature, WebhookSignature.sign("fedcba9876543210", 1_700_000_000L, "{\"a\":1}"));
  }
}
