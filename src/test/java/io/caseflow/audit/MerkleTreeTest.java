package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void leavesAndNodesAreHashedApartAsRfc6962Says() throws Exception {
    byte[] a = sha256(concat(new byte[] {0}, "a".getBytes(StandardCharsets.UTF_8)));
    byte[] b = sha256(concat(new byte[] {0}, "b".getBytes(StandardCharsets.UTF_8)));
    byte[] c = sha256(concat(new byte[] {0}, "c".getBytes(StandardCharsets.UTF_8)));
    assertEquals(HEX.formatHex(a), MerkleTree.root(List.of("a")));
    byte[] ab = sha256(concat(new byte[] {1}, concat(a, b)));
    assertEquals(HEX.formatHex(ab), MerkleTree.root(List.of("a", "b")));
    // three leaves split at two: (a b) c
    assertEquals(
        HEX.formatHex(sha256(concat(new byte[] {1}, concat(ab, c)))),
        MerkleTree.root(List.of("a", "b", "c")));
    assertEquals(HEX.formatHex(sha256(new byte[0])), MerkleTree.root(List.of()));
  }

  @Test
  void everyLeafOfEveryTreeSizeIsProvedByItsPath() {
    for (int size = 1; size <= 33; size++) {
      List<String> leaves = leaves(size);
      String root = MerkleTree.root(leaves);
      for (int index = 0; index < size; index++) {
        List<MerkleTree.Step> path = MerkleTree.proof(leaves, index);
        assertTrue(MerkleTree.proves(leaves.get(index), path, root), size + "/" + index);
        assertTrue(path.size() <= 32 - Integer.numberOfLeadingZeros(size));
      }
    }
  }

  @Test
  void aPathProvesNothingElse() {
    List<String> leaves = leaves(10);
    String root = MerkleTree.root(leaves);
    List<MerkleTree.Step> path = MerkleTree.proof(leaves, 4);
    assertFalse(MerkleTree.proves(leaves.get(5), path, root), "another leaf");
    assertFalse(MerkleTree.proves(leaves.get(4), path, MerkleTree.root(leaves(11))), "other root");
    List<MerkleTree.Step> flipped = new ArrayList<>(path);
    flipped.set(0, new MerkleTree.Step(path.get(0).hash(), !path.get(0).left()));
    assertFalse(MerkleTree.proves(leaves.get(4), flipped, root), "a sibling on the wrong side");
  }

  @Test
  void anyChangedLeafChangesTheRoot() {
    List<String> leaves = new ArrayList<>(leaves(7));
    String root = MerkleTree.root(leaves);
    leaves.set(6, "changed");
    assertNotEquals(root, MerkleTree.root(leaves));
  }

  private static List<String> leaves(int size) {
    return IntStream.range(0, size).mapToObj(i -> "leaf-" + i).toList();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }
}
