package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private static final List<String> ROW = List.of("acme", "subscription-1");
  private static final String SECRET = "a-secret-of-32-characters-length";

  private final SecretBox box = SecretBox.ofBase64(SecretBox.newKeyBase64());

  @Test
  void opensWhatItSealedForTheSameContext() throws Exception {
    String sealed = box.seal(SECRET, ROW);

    assertTrue(sealed.startsWith("v1:"), sealed);
    assertFalse(sealed.contains(SECRET));
    assertEquals(SECRET, box.open(sealed, ROW));
    assertEquals("ünïcødé ✓", box.open(box.seal("ünïcødé ✓", ROW), ROW));
  }

  @Test
  void sealsTheSameSecretDifferentlyEachTimeWithA12ByteNonce() throws Exception {
    String first = box.seal(SECRET, ROW);
    String second = box.seal(SECRET, ROW);

    assertNotEquals(first, second, "a fresh nonce per encryption");
    byte[] bytes = Base64.getDecoder().decode(first.substring(3));
    assertEquals(12 + SECRET.length() + 16, bytes.length, "nonce, ciphertext, 16-byte tag");
    assertEquals(SECRET, box.open(second, ROW));
  }

  @Test
  void refusesATamperedValue() {
    String sealed = box.seal(SECRET, ROW);
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
    for (int index : new int[] {0, 12, bytes.length - 1}) {
      byte[] tampered = bytes.clone();
      tampered[index] ^= 1;
      String altered = "v1:" + Base64.getEncoder().encodeToString(tampered);
      assertThrows(SecretBox.Unreadable.class, () -> box.open(altered, ROW), "byte " + index);
    }
    assertThrows(
        SecretBox.Unreadable.class, () -> box.open(sealed.substring(0, sealed.length() - 4), ROW));
    assertThrows(SecretBox.Unreadable.class, () -> box.open("v1:AAAA", ROW));
    assertThrows(SecretBox.Unreadable.class, () -> box.open("v1:not base64!", ROW));
    assertThrows(SecretBox.Unreadable.class, () -> box.open(SECRET, ROW), "no prefix");
  }

  @Test
  void refusesAValueMovedToAnotherContext() {
    String sealed = box.seal(SECRET, ROW);

    assertThrows(
        SecretBox.Unreadable.class,
        () -> box.open(sealed, List.of("acme", "subscription-2")),
        "another subscription");
    assertThrows(
        SecretBox.Unreadable.class,
        () -> box.open(sealed, List.of("globex", "subscription-1")),
        "another tenant");
    assertThrows(
        SecretBox.Unreadable.class,
        () -> box.open(sealed, List.of("acmes", "ubscription-1")),
        "the same characters split differently");
  }

  @Test
  void refusesAValueSealedWithAnotherKey() {
    String sealed = SecretBox.ofBase64(SecretBox.newKeyBase64()).seal(SECRET, ROW);

    assertThrows(SecretBox.Unreadable.class, () -> box.open(sealed, ROW));
  }

  @Test
  void takesOnlyA32ByteKeyInStandardBase64() throws Exception {
    String key = SecretBox.newKeyBase64();
    String sealed = SecretBox.ofBase64(key).seal(SECRET, ROW);

    assertEquals(
        SECRET,
        SecretBox.ofBase64(key + "\n").open(sealed, ROW),
        "the same key, read from a file with its line end");
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SecretBox.ofBase64(Base64.getEncoder().encodeToString(new byte[16])))
            .getMessage()
            .contains("16 bytes"));
    assertThrows(IllegalArgumentException.class, () -> SecretBox.ofBase64("not*base64"));
    assertThrows(IllegalArgumentException.class, () -> new SecretBox(new byte[31]));
    assertFalse(SecretBox.ofBase64(key).toString().contains(key), "the key stays out of logs");
  }
}
