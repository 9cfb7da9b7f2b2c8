package io.caseflow.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook request so its receiver can tell it came from Caseflow and was not altered or
 * replayed later: {@code v1=} and the hex HMAC-SHA256, keyed with the subscription's secret, of the
 * timestamp header, a dot, and the exact body.
 */
public final class WebhookSignature {

  public static final String SIGNATURE_HEADER = "Caseflow-Signature";
  public static final String TIMESTAMP_HEADER = "Caseflow-Timestamp";
  public static final String EVENT_ID_HEADER = "Caseflow-Event-Id";
  public static final String EVENT_TYPE_HEADER = "Caseflow-Event-Type";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  public static String sign(String secret, long epochSeconds, String body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      byte[] digest = mac.doFinal((epochSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
