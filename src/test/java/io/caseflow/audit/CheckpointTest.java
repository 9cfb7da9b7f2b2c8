package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.audit.AuditVerifier.Signed;
import io.caseflow.audit.Checkpoint.Head;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed checkpoints, and everything that makes one unbelievable. */
class CheckpointTest {

  static final Instant AT = Instant.parse("2026-12-05T10:00:00.123456Z");
  static final SigningKey KEY = SigningKey.generate();
  static final List<Head> HEADS =
      List.of(
          new Head("acme", "a-1", 3, "a".repeat(64)),
          new Head("acme", "a-2", 1, "b".repeat(64)),
          new Head("globex", "g-1", 7, "c".repeat(64)));

  static Checkpoint first() {
    return Checkpoint.sign(1, AT, Checkpoint.GENESIS, 0, 40, HEADS, KEY);
  }

  @Test
  void aSignedCheckpointHoldsWithItsHeadsAndKey() {
    assertNull(first().problemWith(HEADS, KEY.publicKey()));
    assertEquals(3, first().cases());
    assertEquals(KEY.keyId(), first().keyId());
  }

  @Test
  void anotherHeadAnotherKeyOrAnEditedFieldIsRefused() {
    Checkpoint checkpoint = first();
    List<Head> forged =
        List.of(HEADS.get(0), new Head("acme", "a-2", 1, "f".repeat(64)), HEADS.get(2));
    assertEquals(
        "its heads do not make its Merkle root", checkpoint.problemWith(forged, KEY.publicKey()));
    assertEquals(
        "its heads do not make its Merkle root",
        checkpoint.problemWith(HEADS.subList(0, 2), KEY.publicKey()));
    assertTrue(
        checkpoint.problemWith(HEADS, SigningKey.generate().publicKey()).contains("signed by key"));

    Checkpoint edited =
        new Checkpoint(
            1,
            AT,
            Checkpoint.GENESIS,
            0,
            41,
            3,
            checkpoint.root(),
            checkpoint.keyId(),
            checkpoint.hash(),
            checkpoint.signature());
    assertEquals("its hash does not match its content", edited.problemWith(HEADS, KEY.publicKey()));

    Checkpoint rehashed =
        new Checkpoint(
            1,
            AT,
            Checkpoint.GENESIS,
            0,
            41,
            3,
            checkpoint.root(),
            checkpoint.keyId(),
            io.caseflow.cases.CanonicalJson.sha256(edited.signedContent()),
            checkpoint.signature());
    assertEquals(
        "its signature does not verify",
        rehashed.problemWith(HEADS, KEY.publicKey()),
        "whoever recomputes the hash still cannot sign");
  }

  @Test
  void checkpointsAreBelievedOnlyInAnUnbrokenChain() {
    Checkpoint one = first();
    Checkpoint two = Checkpoint.sign(2, AT, one.hash(), 40, 50, HEADS, KEY);
    Checkpoint three = Checkpoint.sign(3, AT, two.hash(), 50, 60, HEADS, KEY);
    List<Signed> all =
        List.of(new Signed(one, HEADS), new Signed(two, HEADS), new Signed(three, HEADS));
    assertEquals(
        new AuditVerifier.Trust(Set.of(1L, 2L, 3L), List.of()),
        AuditVerifier.trust(all, List.of(KEY.publicKey())));

    AuditVerifier.Trust gap =
        AuditVerifier.trust(List.of(all.get(0), all.get(2)), List.of(KEY.publicKey()));
    assertEquals(Set.of(1L), gap.trusted());
    assertEquals(List.of("checkpoint 3: checkpoint 2 is missing before it"), gap.problems());

    Checkpoint stray = Checkpoint.sign(2, AT, Checkpoint.GENESIS, 40, 50, HEADS, KEY);
    AuditVerifier.Trust fork =
        AuditVerifier.trust(
            List.of(all.get(0), new Signed(stray, HEADS)), List.of(KEY.publicKey()));
    assertEquals(
        List.of("checkpoint 2: it does not follow checkpoint 1 (previous hash)"), fork.problems());

    AuditVerifier.Trust unknownKey =
        AuditVerifier.trust(all, List.of(SigningKey.generate().publicKey()));
    assertEquals(Set.of(), unknownKey.trusted());
    assertEquals(3, unknownKey.problems().size());
  }

  @Test
  void theKeyFileHoldsBothKeysForItsOwnerOnly(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("key.pem");
    KEY.writeNew(file);
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
    SigningKey read = SigningKey.read(file);
    assertEquals(KEY.keyId(), read.keyId());
    byte[] content = "content".getBytes(StandardCharsets.UTF_8);
    assertTrue(SigningKey.verifies(KEY.publicKey(), content, read.sign(content)));
    assertFalse(
        SigningKey.verifies(
            KEY.publicKey(), "other".getBytes(StandardCharsets.UTF_8), read.sign(content)));
    assertFalse(SigningKey.verifies(KEY.publicKey(), content, "not-a-signature"));
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> KEY.writeNew(file));
  }

  @Test
  void aKeyFileWhosePublicKeyIsAnothersIsRefused(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("key.pem");
    String privateOnly = Files.readString(write(directory, KEY)).split("-----BEGIN PUBLIC KEY")[0];
    Files.writeString(file, privateOnly + SigningKey.generate().publicKeyPem());
    IllegalArgumentException mismatched =
        assertThrows(IllegalArgumentException.class, () -> SigningKey.read(file));
    assertTrue(mismatched.getMessage().contains("not its private key's"));

    Files.writeString(file, privateOnly);
    assertThrows(IllegalArgumentException.class, () -> SigningKey.read(file));
  }

  private static Path write(Path directory, SigningKey key) throws Exception {
    Path file = directory.resolve("whole.pem");
    key.writeNew(file);
    return file;
  }
}
