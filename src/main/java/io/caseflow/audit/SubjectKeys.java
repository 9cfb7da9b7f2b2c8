package io.caseflow.audit;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.PersonalData;
import io.caseflow.jdbc.Page;
import io.caseflow.jdbc.Sql;
import io.caseflow.notify.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data keys of personal data: one random AES-256 key per subject of a tenant, kept in {@code
 * subject_keys} wrapped (AES-GCM) by the service's secret key ({@code CASEFLOW_SECRET_KEY}, never
 * in the database). A subject is named by its reference, a keyed hash of tenant and subject, so the
 * table holds no subject in clear. Erasing a subject deletes its key: its values, wherever they
 * were copied, can no longer be opened, and the erasure itself is recorded in {@code erasures} by
 * reference, never in clear.
 *
 * <p>Keys are read from the database each time they are needed, never cached: once an erasure
 * commits, no node opens the subject's values again.
 */
public final class SubjectKeys implements PersonalData.Opener {

  /** An erasure as it was recorded. */
  public record Erasure(
      long id, String subjectRef, String erasedBy, Instant erasedAt, boolean keyExisted) {}

  /** What a token reads as when this service has no secret key to open its subject's key with. */
  public static final String UNREADABLE = "[unreadable]";

  private static final Logger log = LoggerFactory.getLogger(SubjectKeys.class);
  private static final int KEY_BYTES = SecretBox.KEY_BYTES;
  private static final int REF_BYTES = 16;

  private final DataSource dataSource;
  private final Optional<SecretBox> master;
  private final Optional<byte[]> refKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public SubjectKeys(DataSource dataSource, Optional<SecretBox> master, Clock clock) {
    this.dataSource = dataSource;
    this.master = master;
    this.refKey = master.map(box -> box.derivedKey("caseflow personal data: subject reference"));
    this.clock = clock;
  }

  /** Whether personal data can be sealed here: there is a secret key. */
  public boolean available() {
    return master.isPresent();
  }

  /** The subject's reference: a keyed hash of tenant and subject, base64url. */
  public String refOf(String tenant, String subject) {
    byte[] key =
        refKey.orElseThrow(() -> new IllegalStateException("no secret key (CASEFLOW_SECRET_KEY)"));
    return base64(hmac(key, tenant + "\n" + subject), REF_BYTES);
  }

  /**
   * A sealer with the subject's data key, made when the subject has none yet (its first case, or
   * its first value after an erasure).
   */
  public PersonalData.Sealer sealer(String tenant, String subjectRef) {
    SecretBox box = master.orElseThrow(() -> new IllegalStateException("no secret key"));
    try (Connection connection = dataSource.getConnection()) {
      Optional<byte[]> existing = dataKey(connection, tenant, subjectRef);
      byte[] dataKey;
      if (existing.isPresent()) {
        dataKey = existing.get();
      } else {
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        Sql.update(
            connection,
            "INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at)"
                + " SELECT ?, ?, ?, ? WHERE NOT EXISTS"
                + " (SELECT 1 FROM subject_keys WHERE subject_ref = ?)",
            subjectRef,
            tenant,
            box.seal(Base64.getEncoder().encodeToString(fresh), List.of(tenant, subjectRef)),
            clock.instant(),
            subjectRef);
        // another request may have made it first: use whichever is stored
        dataKey =
            dataKey(connection, tenant, subjectRef)
                .orElseThrow(() -> new IllegalStateException("the subject's key was not stored"));
      }
      return sealerWith(subjectRef, dataKey);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read or store the subject's data key", e);
    }
  }

  /** Opens the tokens whose subjects' keys exist; the others are left out (erased). */
  @Override
  public Map<String, Object> open(Collection<String> tokens) {
    Map<String, Object> opened = new HashMap<>();
    if (tokens.isEmpty()) {
      return opened;
    }
    if (master.isEmpty()) {
      tokens.forEach(token -> opened.put(token, UNREADABLE));
      return opened;
    }
    Map<String, byte[]> keys = new HashMap<>();
    List<String> refs = tokens.stream().map(PersonalData::subjectRefOf).distinct().toList();
    try (Connection connection = dataSource.getConnection()) {
      for (int from = 0; from < refs.size(); from += 500) {
        List<String> chunk = refs.subList(from, Math.min(refs.size(), from + 500));
        Sql.query(
                connection,
                "SELECT subject_ref, tenant, wrapped_key FROM subject_keys WHERE subject_ref IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ")",
                row ->
                    Map.entry(
                        row.getString(1),
                        unwrap(row.getString(2), row.getString(1), row.getString(3))),
                chunk.toArray())
            .forEach(entry -> entry.getValue().ifPresent(key -> keys.put(entry.getKey(), key)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the subjects' data keys", e);
    }
    for (String token : tokens) {
      byte[] key = keys.get(PersonalData.subjectRefOf(token));
      if (key != null) {
        opened.put(token, openWith(key, token).orElse(UNREADABLE));
      }
    }
    return opened;
  }

  /** A sealer with a subject's data key: AES-256-GCM bound to the reference, and a keyed tag. */
  public static PersonalData.Sealer sealerWith(String subjectRef, byte[] dataKey) {
    return new DataKeySealer(subjectRef, dataKey);
  }

  /** The value a token seals, opened with its subject's data key; empty when it does not open. */
  public static Optional<Object> openWith(byte[] dataKey, String token) {
    String ref = PersonalData.subjectRefOf(token);
    try {
      String json = new SecretBox(dataKey).open(PersonalData.ciphertextOf(token), List.of(ref));
      return Optional.of(CanonicalJson.parse(json, Object.class));
    } catch (SecretBox.Unreadable e) {
      log.warn("A personal value of subject {} cannot be opened: {}", ref, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Erases the subject: deletes its data key and records the erasure (who, when, the subject's
   * reference), in one transaction.
   */
  public Erasure erase(String tenant, String subject, String actor) {
    String ref = refOf(tenant, subject);
    Instant now = clock.instant();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int deleted =
            Sql.update(
                connection,
                "DELETE FROM subject_keys WHERE subject_ref = ? AND tenant = ?",
                ref,
                tenant);
        Sql.update(
            connection,
            "INSERT INTO erasures (tenant, subject_ref, erased_by, erased_at, key_existed)"
                + " VALUES (?, ?, ?, ?, ?)",
            tenant,
            ref,
            actor,
            now,
            deleted > 0);
        long id =
            Sql.query(
                    connection,
                    "SELECT MAX(id) FROM erasures WHERE tenant = ? AND subject_ref = ?",
                    row -> row.getLong(1),
                    tenant,
                    ref)
                .get(0);
        connection.commit();
        log.info("Erased subject {} of tenant {} (key existed: {})", ref, tenant, deleted > 0);
        return new Erasure(id, ref, actor, now, deleted > 0);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot erase the subject", e);
    }
  }

  /** The tenant's erasures, newest first, {@code limit} at a time before id {@code cursor}. */
  public Page<Erasure> erasures(String tenant, int limit, Long cursor) {
    try (Connection connection = dataSource.getConnection()) {
      return Page.of(
          Sql.query(
              connection,
              "SELECT id, subject_ref, erased_by, erased_at, key_existed FROM erasures"
                  + " WHERE tenant = ? AND id < ? ORDER BY id DESC LIMIT ?",
              row ->
                  new Erasure(
                      row.getLong(1),
                      row.getString(2),
                      row.getString(3),
                      Sql.instant(row, 4),
                      row.getBoolean(5)),
              tenant,
              cursor == null ? Long.MAX_VALUE : cursor,
              limit + 1),
          limit,
          last -> Long.toString(last.id()));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the erasures", e);
    }
  }

  private Optional<byte[]> dataKey(Connection connection, String tenant, String ref)
      throws SQLException {
    return Sql.query(
            connection,
            "SELECT wrapped_key FROM subject_keys WHERE subject_ref = ? AND tenant = ?",
            row -> unwrap(tenant, ref, row.getString(1)),
            ref,
            tenant)
        .stream()
        .flatMap(Optional::stream)
        .findFirst();
  }

  private Optional<byte[]> unwrap(String tenant, String ref, String wrapped) {
    try {
      return Optional.of(
          Base64.getDecoder().decode(master.get().open(wrapped, List.of(tenant, ref))));
    } catch (SecretBox.Unreadable e) {
      log.warn("The data key of subject {} cannot be unwrapped: {}", ref, e.getMessage());
      return Optional.empty();
    }
  }

  private static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static String base64(byte[] bytes, int length) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, length));
  }

  /** Seals with one subject's data key: AES-256-GCM bound to the reference, and a keyed tag. */
  private static final class DataKeySealer implements PersonalData.Sealer {

    private final String ref;
    private final byte[] dataKey;
    private final SecretBox box;

    DataKeySealer(String ref, byte[] dataKey) {
      this.ref = ref;
      this.dataKey = dataKey;
      this.box = new SecretBox(dataKey);
    }

    @Override
    public String subjectRef() {
      return ref;
    }

    @Override
    public String seal(Object value) {
      String json = CanonicalJson.toJson(value);
      return PersonalData.token(
          ref, base64(hmac(dataKey, "tag\n" + json), REF_BYTES), box.seal(json, List.of(ref)));
    }
  }
}
