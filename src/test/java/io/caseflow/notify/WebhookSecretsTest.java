package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSecretsTest {

  private final WebhookSecrets keyed =
      new WebhookSecrets(Optional.of(SecretBox.ofBase64(SecretBox.newKeyBase64())));
  private final WebhookSecrets keyless = new WebhookSecrets(Optional.empty());

  @Test
  void generatesThirtyTwoRandomBytesInBase64Url() {
    String secret = WebhookSecrets.generate();

    assertEquals(32, Base64.getUrlDecoder().decode(secret).length);
    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), secret);
    assertNotEquals(secret, WebhookSecrets.generate());
  }

  @Test
  void storesSealedForTheSubscriptionAndReadsItBack() throws Exception {
    String stored = keyed.seal("a-secret-of-32-characters-length", "acme", "s-1");

    assertTrue(SecretBox.isSealed(stored));
    assertEquals("a-secret-of-32-characters-length", keyed.open(stored, "acme", "s-1"));
    assertThrows(SecretBox.Unreadable.class, () -> keyed.open(stored, "acme", "s-2"));
  }

  @Test
  void readsALegacyClearTextSecretWithOrWithoutAKey() throws Exception {
    assertEquals(
        "v1:looks-sealed-but-is-not", keyed.open("plain:v1:looks-sealed-but-is-not", "a", "s"));
    assertEquals("clear-text-secret", keyless.open("plain:clear-text-secret", "a", "s"));
    assertEquals(
        "stored-by-an-earlier-version",
        keyed.open("stored-by-an-earlier-version", "a", "s"),
        "a bare secret, written by a node of an earlier version during a rolling upgrade");
  }

  @Test
  void withoutAKeyStoresNothingAndReadsNoSealedSecret() {
    String stored = keyed.seal("a-secret-of-32-characters-length", "acme", "s-1");

    assertFalse(keyless.hasKey());
    assertThrows(IllegalStateException.class, () -> keyless.seal("secret", "acme", "s-1"));
    assertTrue(
        assertThrows(SecretBox.Unreadable.class, () -> keyless.open(stored, "acme", "s-1"))
            .getMessage()
            .contains("CASEFLOW_SECRET_KEY"));
  }
}
