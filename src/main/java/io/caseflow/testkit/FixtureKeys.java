package io.caseflow.testkit;

import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.PersonalData;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The test kit's stand-in for the service's subject keys: one random data key per subject, in
 * memory, sealing and opening personal values exactly as the service does (the same cipher and
 * token), so a workflow with personal fields is tested as it runs. Erasing a subject forgets its
 * key.
 */
final class FixtureKeys implements PersonalData.Opener {

  private final Map<String, byte[]> keys = new HashMap<>();
  private final SecureRandom random = new SecureRandom();

  PersonalData.Sealer sealer(String tenant, String subject) {
    String ref = refOf(tenant, subject);
    return SubjectKeys.sealerWith(
        ref,
        keys.computeIfAbsent(
            ref,
            unused -> {
              byte[] key = new byte[32];
              random.nextBytes(key);
              return key;
            }));
  }

  /** The sealer of the subject a case's (possibly sealed) subject names. */
  PersonalData.Sealer sealerOfCase(String tenant, String caseSubject) {
    if (!PersonalData.isSealed(caseSubject)) {
      return sealer(tenant, caseSubject);
    }
    String ref = PersonalData.subjectRefOf(caseSubject);
    byte[] key = keys.get(ref);
    if (key == null) {
      throw new IllegalStateException("the case's subject was erased");
    }
    return SubjectKeys.sealerWith(ref, key);
  }

  void erase(String tenant, String subject) {
    keys.remove(refOf(tenant, subject));
  }

  @Override
  public Map<String, Object> open(Collection<String> tokens) {
    Map<String, Object> opened = new HashMap<>();
    for (String token : tokens) {
      byte[] key = keys.get(PersonalData.subjectRefOf(token));
      if (key != null) {
        SubjectKeys.openWith(key, token).ifPresent(value -> opened.put(token, value));
      }
    }
    return opened;
  }

  private static String refOf(String tenant, String subject) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((tenant + "\n" + subject).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
