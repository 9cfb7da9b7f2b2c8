package io.caseflow.notify;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The subscriptions' signing secrets as stored: sealed with the service's key ({@link SecretBox}),
 * bound to the subscription's tenant and id; or in clear text, from before secrets were encrypted,
 * until start-up seals them: {@code plain:} and the secret (the V8 migration marked every secret it
 * found), or a bare secret that a node of an earlier version stored during a rolling upgrade.
 * Without a key (a real database and no {@code CASEFLOW_SECRET_KEY}) nothing new can be stored and
 * sealed secrets cannot be read.
 */
public final class WebhookSecrets {

  /**
   * Marks a clear-text secret of before encryption (V8 migration), so that one that happened to
   * begin like a sealed value is still read as clear text.
   */
  static final String PLAIN = "plain:";

  private static final int GENERATED_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Optional<SecretBox> box;

  public WebhookSecrets(Optional<SecretBox> box) {
    this.box = box;
  }

  public boolean hasKey() {
    return box.isPresent();
  }

  /** A new secret for a subscription: 32 random bytes, base64url without padding. */
  public static String generate() {
    byte[] secret = new byte[GENERATED_BYTES];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The stored form of {@code secret}; needs the key. */
  String seal(String secret, String tenant, String subscriptionId) {
    return box.orElseThrow(() -> new IllegalStateException("No webhook secret key is set"))
        .seal(secret, List.of(tenant, subscriptionId));
  }

  /** The secret that signs deliveries of the subscription, from its stored form. */
  String open(String stored, String tenant, String subscriptionId) throws SecretBox.Unreadable {
    if (isPlain(stored)) {
      return clearText(stored);
    }
    if (box.isEmpty()) {
      throw new SecretBox.Unreadable(
          "the secret is encrypted and no key is set (CASEFLOW_SECRET_KEY)");
    }
    return box.get().open(stored, List.of(tenant, subscriptionId));
  }

  static boolean isPlain(String stored) {
    return stored.startsWith(PLAIN) || !SecretBox.isSealed(stored);
  }

  /** The secret a clear-text stored value holds. */
  static String clearText(String plain) {
    return plain.startsWith(PLAIN) ? plain.substring(PLAIN.length()) : plain;
  }
}
