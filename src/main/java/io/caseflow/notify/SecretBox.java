package io.caseflow.notify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts short secrets for storage with AES-256-GCM and one key: {@code v1:} and the base64 of a
 * random 12-byte nonce followed by the ciphertext and its tag. A context (such as the row the value
 * belongs to) is bound in as associated data, so a sealed value opens only in the context it was
 * sealed for: copied to another row, it is refused like a tampered one.
 */
public final class SecretBox {

  public static final int KEY_BYTES = 32;
  static final String VERSION = "v1:";
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** The value is not one this box sealed for this context: another key, tampered, or moved. */
  public static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason);
    }
  }

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SecretBox(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an AES-256 key is " + KEY_BYTES + " bytes, this one is " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A box with the key {@code base64} (standard alphabet) stands for. */
  public static SecretBox ofBase64(String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not base64 (standard alphabet)");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "decodes to " + key.length + " bytes instead of " + KEY_BYTES);
    }
    return new SecretBox(key);
  }

  /** A new random key, in the base64 form {@link #ofBase64} reads. */
  public static String newKeyBase64() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  public static boolean isSealed(String stored) {
    return stored.startsWith(VERSION);
  }

  public String seal(String plaintext, List<String> context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(context));
      byte[] ciphertext = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] sealed =
          ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext).array();
      return VERSION + Base64.getEncoder().encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  public String open(String sealed, List<String> context) throws Unreadable {
    if (!isSealed(sealed)) {
      throw new Unreadable("not a sealed value (no " + VERSION + " prefix)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      throw new Unreadable("not base64 after the prefix");
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new Unreadable("too short to hold a nonce and a tag");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData(context));
      byte[] plaintext = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return new String(plaintext, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new Unreadable(
          "sealed with another key, altered, or sealed for another context (tag mismatch)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Each part preceded by its length, so that no two different contexts give the same bytes ({@code
   * ["ab", "c"]} and {@code ["a", "bc"]} would, joined).
   */
  private static byte[] associatedData(List<String> context) {
    List<byte[]> parts =
        context.stream().map(part -> part.getBytes(StandardCharsets.UTF_8)).toList();
    ByteBuffer data =
        ByteBuffer.allocate(parts.stream().mapToInt(part -> Integer.BYTES + part.length).sum());
    parts.forEach(part -> data.putInt(part.length).put(part));
    return data.array();
  }

  /**
   * A key of its own for {@code purpose}, derived from this box's key (HMAC-SHA256): keyed hashes
   * that must stay the same for as long as the key does, without the key itself leaving the box.
   */
  public byte[] derivedKey(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Keeps the key out of logs and settings dumps. */
  @Override
  public String toString() {
    return "SecretBox[AES-256-GCM]";
  }
}
