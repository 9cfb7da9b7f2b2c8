package io.caseflow.audit;

import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.audit.Checkpoints.CoveredHead;
import io.caseflow.cases.CaseId;
import io.caseflow.jdbc.Sql;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Verifies history against what the database cannot forge: the checkpoints are believed only when
 * signed by a known key, chained and whole (their heads make their root); every case's journal is
 * then checked against its own chain, the audit log and the believed checkpoints ({@link
 * CaseVerification}). The service runs it over the checkpoints in its database ({@code POST
 * /admin/audit/verify}), an auditor over the ones exported outside it ({@code verify-audit}).
 */
public final class AuditVerifier {

  /** A checkpoint with its heads, from the database or from an export. */
  public record Signed(Checkpoint checkpoint, List<Head> heads) {}

  /** What checking the checkpoints themselves found. */
  public record Trust(Set<Long> trusted, List<String> problems) {}

  /** The whole journal's verification: the checkpoints' problems, and every broken case. */
  public record Report(
      int checkpoints,
      Set<Long> trusted,
      List<String> problems,
      int cases,
      List<CaseVerification> broken) {

    public boolean valid() {
      return problems.isEmpty() && broken.isEmpty();
    }
  }

  private final JournalReader journal;

  public AuditVerifier(JournalReader journal) {
    this.journal = journal;
  }

  /**
   * Which checkpoints can be believed: each must be signed by one of {@code keys} (by its key id),
   * make its root from its heads, follow the one before it in number and by hash.
   */
  public static Trust trust(List<Signed> checkpoints, Collection<PublicKey> keys) {
    Map<String, PublicKey> byId = new HashMap<>();
    keys.forEach(key -> byId.put(SigningKey.keyIdOf(key), key));
    Set<Long> trusted = new HashSet<>();
    List<String> problems = new ArrayList<>();
    Checkpoint previous = null;
    for (Signed signed : checkpoints) {
      Checkpoint checkpoint = signed.checkpoint();
      PublicKey key = byId.get(checkpoint.keyId());
      String problem =
          key == null
              ? "it is signed by key " + checkpoint.keyId() + ", which is not a known key"
              : checkpoint.problemWith(signed.heads(), key);
      long expectedNumber = previous == null ? 1 : previous.number() + 1;
      String expectedPrevious = previous == null ? Checkpoint.GENESIS : previous.hash();
      if (problem == null && checkpoint.number() != expectedNumber) {
        problem = "checkpoint " + expectedNumber + " is missing before it";
      } else if (problem == null && !checkpoint.previousHash().equals(expectedPrevious)) {
        problem = "it does not follow checkpoint " + (checkpoint.number() - 1) + " (previous hash)";
      }
      if (problem == null) {
        trusted.add(checkpoint.number());
      } else {
        problems.add("checkpoint " + checkpoint.number() + ": " + problem);
      }
      previous = checkpoint;
    }
    return new Trust(Set.copyOf(trusted), List.copyOf(problems));
  }

  /** One case, against the heads of checkpoints already found trustworthy. */
  public CaseVerification verify(
      Connection connection, CaseId caseId, List<CoveredHead> heads, Set<Long> trusted)
      throws SQLException {
    return CaseVerification.of(
        caseId, journal.events(connection, caseId), auditLog(connection, caseId), heads, trusted);
  }

  /**
   * One case, against the latest checkpoint of the database that holds a head of it (itself checked
   * against {@code key}): what {@code GET /cases/{id}/history/verify} answers.
   */
  public CaseVerification verify(Connection connection, CaseId caseId, PublicKey key)
      throws SQLException {
    List<CoveredHead> heads = Checkpoints.headsOf(connection, caseId);
    Optional<CoveredHead> latest = heads.stream().reduce((first, second) -> second);
    Set<Long> trusted = new HashSet<>();
    if (latest.isPresent()) {
      long number = latest.get().checkpoint();
      Optional<Checkpoint> checkpoint = Checkpoints.numbered(connection, number);
      if (checkpoint.isPresent()
          && checkpoint.get().problemWith(Checkpoints.heads(connection, number), key) == null) {
        trusted.add(number);
      }
    }
    return verify(connection, caseId, latest.stream().toList(), trusted);
  }

  /**
   * Every case of the journal, of the audit log and of the checkpoints (a case whose events were
   * all removed is still named by the others), after checking the checkpoints. {@code progress}
   * hears each case checked, with the total.
   */
  public Report verifyAll(
      Connection connection,
      List<Signed> checkpoints,
      Collection<PublicKey> keys,
      BiConsumer<Integer, Integer> progress)
      throws SQLException {
    Trust trust = trust(checkpoints, keys);
    Map<CaseId, List<CoveredHead>> heads = new LinkedHashMap<>();
    for (Signed signed : checkpoints) {
      for (Head head : signed.heads()) {
        heads
            .computeIfAbsent(new CaseId(head.tenant(), head.caseId()), id -> new ArrayList<>())
            .add(new CoveredHead(signed.checkpoint().number(), head));
      }
    }
    Set<CaseId> cases = new TreeSet<>(AuditVerifier::byTenantAndId);
    cases.addAll(journal.cases(connection));
    cases.addAll(heads.keySet());
    cases.addAll(
        Sql.query(
            connection,
            "SELECT DISTINCT tenant, case_id FROM audit_log",
            row -> new CaseId(row.getString(1), row.getString(2))));
    List<CaseVerification> broken = new ArrayList<>();
    int checked = 0;
    for (CaseId caseId : cases) {
      CaseVerification result =
          verify(connection, caseId, heads.getOrDefault(caseId, List.of()), trust.trusted());
      if (!result.valid()) {
        broken.add(result);
      }
      progress.accept(++checked, cases.size());
    }
    return new Report(
        checkpoints.size(), trust.trusted(), trust.problems(), cases.size(), List.copyOf(broken));
  }

  /** Every checkpoint of the database with its heads, oldest first. */
  public static List<Signed> stored(Connection connection) throws SQLException {
    List<Signed> signed = new ArrayList<>();
    for (Checkpoint checkpoint : Checkpoints.after(connection, 0)) {
      signed.add(new Signed(checkpoint, Checkpoints.heads(connection, checkpoint.number())));
    }
    return signed;
  }

  private static Map<Long, String> auditLog(Connection connection, CaseId caseId)
      throws SQLException {
    Map<Long, String> hashes = new LinkedHashMap<>();
    Sql.query(
            connection,
            "SELECT seq, hash FROM audit_log WHERE tenant = ? AND case_id = ? ORDER BY seq",
            row -> Map.entry(row.getLong(1), row.getString(2)),
            caseId.tenant(),
            caseId.id())
        .forEach(entry -> hashes.put(entry.getKey(), entry.getValue()));
    return hashes;
  }

  private static int byTenantAndId(CaseId a, CaseId b) {
    int tenant = a.tenant().compareTo(b.tenant());
    return tenant != 0 ? tenant : a.id().compareTo(b.id());
  }
}
