package io.caseflow.audit;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.HashChain;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed statement of where the cases' chains stood: the heads (case, sequence number, hash) of
 * every case whose history grew in journal positions {@code (fromOrdering, toOrdering]}, committed
 * to by a Merkle root, chained to the previous checkpoint by its hash, and signed with a key kept
 * outside the database. A journal rewritten after a checkpoint no longer matches it, even when
 * every hash of the rewritten chain was recomputed.
 */
public record Checkpoint(
    long number,
    Instant createdAt,
    String previousHash,
    long fromOrdering,
    long toOrdering,
    int cases,
    String root,
    String keyId,
    String hash,
    String signature) {

  /** The previous hash of the first checkpoint. */
  public static final String GENESIS = HashChain.GENESIS;

  /** One case's head: the last event of its chain when the checkpoint was made. */
  public record Head(String tenant, String caseId, long seq, String hash) {

    /** The leaf of the Merkle tree: the head's canonical JSON. */
    public String leaf() {
      Map<String, Object> leaf = new LinkedHashMap<>();
      leaf.put("caseId", caseId);
      leaf.put("hash", hash);
      leaf.put("seq", seq);
      leaf.put("tenant", tenant);
      return CanonicalJson.toJson(leaf);
    }
  }

  /**
   * A new checkpoint over {@code heads} (in leaf order: by tenant, then case id), after {@code
   * previous}, signed with {@code key}.
   */
  public static Checkpoint sign(
      long number,
      Instant createdAt,
      String previousHash,
      long fromOrdering,
      long toOrdering,
      List<Head> heads,
      SigningKey key) {
    return new Checkpoint(
            number,
            createdAt,
            previousHash,
            fromOrdering,
            toOrdering,
            heads.size(),
            rootOf(heads),
            key.keyId(),
            null,
            null)
        .signedWith(key);
  }

  /** This checkpoint with its hash and its signature by {@code key}. */
  private Checkpoint signedWith(SigningKey key) {
    return new Checkpoint(
        number,
        createdAt,
        previousHash,
        fromOrdering,
        toOrdering,
        cases,
        root,
        keyId,
        CanonicalJson.sha256(signedContent()),
        key.sign(signedBytes()));
  }

  public static String rootOf(List<Head> heads) {
    return MerkleTree.root(heads.stream().map(Head::leaf).toList());
  }

  /** What the hash and the signature cover: everything but themselves. */
  public Map<String, Object> signedContent() {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("cases", cases);
    content.put("createdAt", createdAt);
    content.put("fromOrdering", fromOrdering);
    content.put("keyId", keyId);
    content.put("number", number);
    content.put("previousHash", previousHash);
    content.put("root", root);
    content.put("toOrdering", toOrdering);
    return content;
  }

  private byte[] signedBytes() {
    return CanonicalJson.toJson(signedContent()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Why this checkpoint cannot be trusted as it stands with these heads, or null when it can: its
   * hash, its signature by {@code publicKey}, its root over {@code heads}, its count.
   */
  public String problemWith(List<Head> heads, PublicKey publicKey) {
    if (!CanonicalJson.sha256(signedContent()).equals(hash)) {
      return "its hash does not match its content";
    }
    if (!SigningKey.keyIdOf(publicKey).equals(keyId)) {
      return "it is signed by key " + keyId + ", not by " + SigningKey.keyIdOf(publicKey);
    }
    if (!SigningKey.verifies(publicKey, signedBytes(), signature)) {
      return "its signature does not verify";
    }
    if (heads.size() != cases || !rootOf(heads).equals(root)) {
      return "its heads do not make its Merkle root";
    }
    return null;
  }
}
