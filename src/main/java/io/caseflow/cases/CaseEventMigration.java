package io.caseflow.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * How stored case events of older shapes are read (Pekko's Jackson migrations, bound to every event
 * type in {@code conf/application.conf}).
 *
 * <ul>
 *   <li>Shape 1 to 2: events gained {@code hashVersion}. Those written before carry none; their
 *       hashes were taken with encoding version 1, so they read as {@code hashVersion: 1}.
 * </ul>
 *
 * <p>The read side keeps events as JSON too ({@code audit_log.payload}), without Pekko's version in
 * the manifest: {@link #parseStored} upgrades those by the same rules, telling the shape by its
 * fields.
 */
public final class CaseEventMigration extends JacksonMigration {

  static final int CURRENT_SHAPE = 2;

  @Override
  public int currentVersion() {
    return CURRENT_SHAPE;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode event && !event.has("hashVersion")) {
      event.put("hashVersion", HashEncoding.V1.version());
    }
    return json;
  }

  /** An event as the read side stored it, of any shape, read as the current one. */
  public static CaseEvent parseStored(String typeName, String json) {
    JsonNode stored = CanonicalJson.parseTree(json);
    int shape = stored.has("hashVersion") ? CURRENT_SHAPE : 1;
    return CanonicalJson.convert(
        new CaseEventMigration().transform(shape, stored), CaseEvent.typeNamed(typeName));
  }
}
