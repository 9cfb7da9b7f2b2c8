package io.caseflow.cases;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The canonical encodings an event's hash is taken over. Each event records the version its hash
 * used ({@link CaseEvent#hashVersion()}), so a chain written under one encoding still verifies
 * after a newer one became current. A released version is frozen: {@code HashEncodingTest} holds
 * fixed test vectors (bytes in, hash out) for each.
 *
 * <ul>
 *   <li>Version 1: the canonical JSON of the fields each event type had when hashing began (nulls
 *       included) and {@code type}, its Java class name then. Events written before versions
 *       existed carry no version and are version 1 ({@link CaseEventMigration}).
 *   <li>Version 2, current: the canonical JSON of every field that is not null, but the hash itself
 *       and the trace metadata, with {@code type} the event's API name ({@code case_opened}). A
 *       field added later, null on older events, leaves their hashes as they are, and a Java class
 *       can be renamed.
 * </ul>
 */
public enum HashEncoding {
  V1(1) {
    @Override
    Map<String, Object> content(CaseEvent event) {
      List<String> names = V1_FIELDS.get(event.typeName());
      if (names == null) {
        throw new IllegalArgumentException("version 1 hashed no " + event.typeName());
      }
      Map<String, Object> fields = CanonicalJson.fieldsOf(event);
      Map<String, Object> content = new TreeMap<>();
      for (String name : names) {
        content.put(name, fields.get(name));
      }
      content.put("type", V1_TYPES.get(event.typeName()));
      return content;
    }
  },
  V2(2) {
    @Override
    Map<String, Object> content(CaseEvent event) {
      Map<String, Object> content = CanonicalJson.fieldsOf(event);
      content.remove("hash");
      content.remove("traceparent");
      content.values().removeIf(Objects::isNull);
      content.put("type", event.typeName());
      return content;
    }
  };

  /** The encoding new events are hashed with. */
  public static final HashEncoding CURRENT = V2;

  private static final List<String> V1_COMMON =
      List.of("caseId", "tenant", "actor", "at", "seq", "requestKey", "prevHash");

  /** Version 1's fields by event type, as they were: never to change. */
  private static final Map<String, List<String>> V1_FIELDS =
      Map.of(
          "case_opened",
          withCommon("workflow", "workflowVersion", "subject", "title", "state", "data"),
          "action_performed",
          withCommon("action", "from", "to", "comment", "data"),
          "assignee_changed",
          withCommon("assignee"),
          "comment_added",
          withCommon("text"),
          "merge_step",
          withCommon("sagaId", "action", "otherCaseId", "from", "to", "comment"));

  /** Version 1's {@code type}: the Java class names the events had. */
  private static final Map<String, String> V1_TYPES =
      Map.of(
          "case_opened", "CaseOpened",
          "action_performed", "ActionPerformed",
          "assignee_changed", "AssigneeChanged",
          "comment_added", "CommentAdded",
          "merge_step", "MergeStepRecorded");

  private final int version;

  HashEncoding(int version) {
    this.version = version;
  }

  public int version() {
    return version;
  }

  /**
   * The encoding of that version.
   *
   * @throws IllegalArgumentException for a version this build does not know (an event of a newer
   *     release, or a tampered one): it cannot be verified
   */
  public static HashEncoding of(int version) {
    for (HashEncoding encoding : values()) {
      if (encoding.version == version) {
        return encoding;
      }
    }
    throw new IllegalArgumentException("no hash encoding version " + version);
  }

  /** The bytes the hash is taken over, as text: the canonical JSON of {@link #content}. */
  public String canonical(CaseEvent event) {
    return CanonicalJson.toJson(content(event));
  }

  public String hash(CaseEvent event) {
    return CanonicalJson.sha256(content(event));
  }

  abstract Map<String, Object> content(CaseEvent event);

  private static List<String> withCommon(String... fields) {
    List<String> all = new ArrayList<>(V1_COMMON);
    all.addAll(List.of(fields));
    return List.copyOf(all);
  }
}
