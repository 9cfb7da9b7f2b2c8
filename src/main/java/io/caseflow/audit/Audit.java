package io.caseflow.audit;

import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.cases.CaseId;
import io.caseflow.jdbc.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The audit trail's surface: checkpoints made and listed, one checkpoint with a case's Merkle
 * proof, a case verified, the whole journal verified. Without a signing key there are no new
 * checkpoints and none can be believed (their signatures cannot be checked): a case's verification
 * then stands on its chain and the audit log alone.
 */
public final class Audit {

  /** A case's head in a checkpoint, and the path from it to the checkpoint's root. */
  public record Proof(Head head, int leafIndex, List<MerkleTree.Step> path) {}

  /** A checkpoint, with the proof for a case when one was asked for. */
  public record Detail(Checkpoint checkpoint, Proof proof) {}

  private final DataSource dataSource;
  private final AuditVerifier verifier;
  private final Optional<SigningKey> key;
  private final Optional<CheckpointBuilder> builder;
  private final JournalVerification verification;

  public Audit(
      DataSource dataSource,
      AuditVerifier verifier,
      Optional<SigningKey> key,
      Optional<CheckpointBuilder> builder,
      JournalVerification verification) {
    this.dataSource = dataSource;
    this.verifier = verifier;
    this.key = key;
    this.builder = builder;
    this.verification = verification;
  }

  /** The public key checkpoints are signed with (PEM), when there is a signing key. */
  public Optional<String> publicKeyPem() {
    return key.map(SigningKey::publicKeyPem);
  }

  /** Makes a checkpoint of everything committed since the last one; empty without a key. */
  public Optional<Optional<Checkpoint>> checkpointNow() {
    return builder.map(CheckpointBuilder::run);
  }

  public Page<Checkpoint> checkpoints(int limit, Long cursor) {
    try (Connection connection = dataSource.getConnection()) {
      return Checkpoints.page(connection, limit, cursor);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the checkpoints", e);
    }
  }

  /**
   * Checkpoint {@code number}; with {@code forCase}, the proof of that case's head, or an empty
   * proof when the checkpoint holds none of it.
   */
  public Optional<Detail> checkpoint(long number, Optional<CaseId> forCase) {
    try (Connection connection = dataSource.getConnection()) {
      Optional<Checkpoint> checkpoint = Checkpoints.numbered(connection, number);
      if (checkpoint.isEmpty() || forCase.isEmpty()) {
        return checkpoint.map(found -> new Detail(found, null));
      }
      List<Head> heads = Checkpoints.heads(connection, number);
      CaseId caseId = forCase.get();
      List<String> leaves = heads.stream().map(Head::leaf).toList();
      return Optional.of(
          new Detail(
              checkpoint.get(),
              IntStream.range(0, heads.size())
                  .filter(
                      index ->
                          heads.get(index).tenant().equals(caseId.tenant())
                              && heads.get(index).caseId().equals(caseId.id()))
                  .mapToObj(
                      index -> new Proof(heads.get(index), index, MerkleTree.proof(leaves, index)))
                  .findFirst()
                  .orElse(null)));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read checkpoint " + number, e);
    }
  }

  /** The case's chain, against the audit log and the latest signed checkpoint holding it. */
  public CaseVerification verify(CaseId caseId) {
    try (Connection connection = dataSource.getConnection()) {
      return key.isPresent()
          ? verifier.verify(connection, caseId, key.get().publicKey())
          : verifier.verify(connection, caseId, List.of(), java.util.Set.of());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot verify case " + caseId.id(), e);
    }
  }

  public JournalVerification verification() {
    return verification;
  }
}
