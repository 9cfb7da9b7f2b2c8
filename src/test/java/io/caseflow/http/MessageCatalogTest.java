package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.ErrorCode;
import java.util.Map;
import java.util.MissingResourceException;
import org.junit.jupiter.api.Test;

/** Every code a client can be answered with has its words in the catalogue. */
class MessageCatalogTest {

  private final MessageCatalog catalog = new MessageCatalog();

  @Test
  void everyCodeHasATitleAndADetail() {
    for (ErrorCode code : ErrorCode.values()) {
      try {
        assertFalse(catalog.title(code).isBlank(), code + " title");
        assertFalse(catalog.detail(code, Map.of()).isBlank(), code + " detail");
      } catch (MissingResourceException missing) {
        throw new AssertionError(code.code() + " is not in messages.properties", missing);
      }
    }
  }

  @Test
  void argumentsFillTheirPlaces() {
    String detail = catalog.detail(ErrorCode.BODY_TOO_LARGE, Map.of("limit", "65536"));
    assertTrue(detail.contains("65536") && !detail.contains("{limit}"), detail);
  }
}
