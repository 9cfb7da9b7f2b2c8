package io.caseflow.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Merkle tree over a checkpoint's leaves, shaped as RFC 6962 (Certificate Transparency) shapes
 * it: a leaf is hashed as {@code SHA-256(0x00 || leaf)}, an inner node as {@code SHA-256(0x01 ||
 * left || right)}, so no leaf can pose as a node; a tree of n leaves splits at the largest power of
 * two below n. The root commits to every leaf, and an audit path of about log2(n) hashes proves one
 * leaf belongs to it.
 */
public final class MerkleTree {

  /** One step of an audit path: the sibling's hash, and whether it sits left of the path. */
  public record Step(String hash, boolean left) {}

  private static final HexFormat HEX = HexFormat.of();
  private static final byte LEAF = 0x00;
  private static final byte NODE = 0x01;

  private MerkleTree() {}

  /** The root of a tree over {@code leaves}, in their order; the hash of nothing for none. */
  public static String root(List<String> leaves) {
    if (leaves.isEmpty()) {
      return HEX.formatHex(sha256(new byte[0]));
    }
    return HEX.formatHex(rootOf(leafHashes(leaves), 0, leaves.size()));
  }

  /** The audit path of leaf {@code index}: the siblings from the leaf up to the root. */
  public static List<Step> proof(List<String> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IndexOutOfBoundsException(index);
    }
    List<Step> path = new ArrayList<>();
    proof(leafHashes(leaves), 0, leaves.size(), index, path);
    return List.copyOf(path);
  }

  /** Whether {@code leaf} with audit path {@code path} leads up to {@code root}. */
  public static boolean proves(String leaf, List<Step> path, String root) {
    byte[] hash = sha256(LEAF, leaf.getBytes(StandardCharsets.UTF_8));
    for (Step step : path) {
      byte[] sibling = HEX.parseHex(step.hash());
      hash = step.left() ? node(sibling, hash) : node(hash, sibling);
    }
    return HEX.formatHex(hash).equals(root);
  }

  private static List<byte[]> leafHashes(List<String> leaves) {
    return leaves.stream()
        .map(leaf -> sha256(LEAF, leaf.getBytes(StandardCharsets.UTF_8)))
        .toList();
  }

  private static byte[] rootOf(List<byte[]> hashes, int from, int to) {
    if (to - from == 1) {
      return hashes.get(from);
    }
    int split = from + largestPowerOfTwoBelow(to - from);
    return node(rootOf(hashes, from, split), rootOf(hashes, split, to));
  }

  /** Appends the path of {@code index} within {@code [from, to)}, deepest sibling first. */
  private static void proof(List<byte[]> hashes, int from, int to, int index, List<Step> path) {
    if (to - from == 1) {
      return;
    }
    int split = from + largestPowerOfTwoBelow(to - from);
    if (index < split) {
      proof(hashes, from, split, index, path);
      path.add(new Step(HEX.formatHex(rootOf(hashes, split, to)), false));
    } else {
      proof(hashes, split, to, index, path);
      path.add(new Step(HEX.formatHex(rootOf(hashes, from, split)), true));
    }
  }

  private static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static byte[] node(byte[] left, byte[] right) {
    byte[] both = new byte[left.length + right.length];
    System.arraycopy(left, 0, both, 0, left.length);
    System.arraycopy(right, 0, both, left.length, right.length);
    return sha256(NODE, both);
  }

  private static byte[] sha256(byte prefix, byte[] content) {
    byte[] prefixed = new byte[content.length + 1];
    prefixed[0] = prefix;
    System.arraycopy(content, 0, prefixed, 1, content.length);
    return sha256(prefixed);
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
