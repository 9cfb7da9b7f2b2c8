package io.caseflow.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.workflow.FieldSpec;
import io.caseflow.workflow.Workflow;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Personal data in a case's history: the values a workflow declares personal (its subject, its
 * title, fields marked {@code personal = true}) are stored as <em>sealed tokens</em>, encrypted
 * with a data key of their subject's, never in clear. The hash chain covers the tokens, so erasing
 * the subject's key erases the values everywhere they were copied (journal, snapshots, read side,
 * webhook payloads) and every chain still verifies.
 *
 * <p>A token reads {@code pii:1:<subject ref>:<tag>:<ciphertext>}: the subject's reference (a keyed
 * hash of tenant and subject, so the subject is never in clear either), a tag (a keyed hash of the
 * value under the subject's key, so a retried request is recognised as the same), and the value's
 * JSON, encrypted. Values are sealed where they enter (the HTTP layer, with the subject's key) and
 * opened where they leave (answers, streams, webhooks), or shown as {@value #ERASED}. The decider
 * holds a case to it: personal positions take tokens only, every other position no token.
 *
 * <p>This class knows the format and the rules; the keys and the cipher are the audit package's
 * ({@link Sealer}, {@link Opener}).
 */
public final class PersonalData {

  /** What a personal value whose key was erased reads as. */
  public static final String ERASED = "[erased]";

  static final String PREFIX = "pii:1:";

  /** Seals values of one subject, with that subject's data key. */
  public interface Sealer {

    /** The subject's reference: what its tokens name it by. */
    String subjectRef();

    /** The token of {@code value} (a string, number or boolean). */
    String seal(Object value);
  }

  /** Opens tokens whose keys exist; an absent entry reads as {@link #ERASED}. */
  @FunctionalInterface
  public interface Opener {
    Map<String, Object> open(Collection<String> tokens);
  }

  /** What sealing a request's personal values came to. */
  public sealed interface Sealing {

    /** The request's texts and data, each personal value as its token. */
    record Sealed(String subject, String title, Map<String, Object> data) implements Sealing {}

    /** A personal value the decider would refuse, refused where it was to be sealed. */
    record Refused(Rejected rejection) implements Sealing {}
  }

  private PersonalData() {}

  /** A token made of its parts (for the {@link Sealer} that made them). */
  public static String token(String subjectRef, String tag, String ciphertext) {
    return PREFIX + subjectRef + ":" + tag + ":" + ciphertext;
  }

  public static boolean isSealed(Object value) {
    return value instanceof String text && text.startsWith(PREFIX);
  }

  /** The subject reference a token names. */
  public static String subjectRefOf(String token) {
    return parts(token)[0];
  }

  /** The sealed value of a token (what the cipher opens). */
  public static String ciphertextOf(String token) {
    return parts(token)[2];
  }

  /**
   * What identifies a subject across requests: the subject itself, or for a sealed one its
   * reference (a new token each time, the same reference).
   */
  public static String subjectIdentity(String subject) {
    return isSealed(subject) ? "pii-ref:" + subjectRefOf(subject) : subject;
  }

  /**
   * The request's personal values sealed with {@code sealer}, after checking each as the decider
   * checks it (a sealed value can no longer be checked). Values the workflow does not declare
   * personal are left as they are.
   */
  public static Sealing seal(
      Workflow workflow, String subject, String title, Map<String, Object> data, Sealer sealer) {
    Optional<Rejected> problem =
        CaseDecider.firstOf(
            workflow.personalSubject()
                ? unsealed("subject", subject).or(() -> CaseDecider.subjectProblem(subject))
                : Optional.empty(),
            workflow.personalTitle()
                ? unsealed("title", title)
                    .or(
                        () ->
                            CaseDecider.optionalText("title", title, CaseDecider.MAX_TITLE_LENGTH))
                : Optional.empty(),
            personalFieldProblem(workflow, data));
    if (problem.isPresent()) {
      return new Sealing.Refused(problem.get());
    }
    return new Sealing.Sealed(
        workflow.personalSubject() && subject != null ? sealer.seal(subject) : subject,
        workflow.personalTitle() && title != null ? sealer.seal(title) : title,
        ((Sealing.Sealed) sealData(workflow, data, sealer)).data());
  }

  /** An action's data with its personal values sealed, as {@link #seal} seals an open's. */
  public static Sealing sealData(Workflow workflow, Map<String, Object> data, Sealer sealer) {
    Optional<Rejected> problem = personalFieldProblem(workflow, data);
    if (problem.isPresent()) {
      return new Sealing.Refused(problem.get());
    }
    Map<String, Object> sealedData = new LinkedHashMap<>();
    data.forEach(
        (field, value) ->
            sealedData.put(field, workflow.isPersonalField(field) ? sealer.seal(value) : value));
    return new Sealing.Sealed(null, null, sealedData);
  }

  /** Whether any of these data fields is personal in the workflow. */
  public static boolean holdsPersonalFields(Workflow workflow, Map<String, Object> data) {
    return data.keySet().stream().anyMatch(workflow::isPersonalField);
  }

  private static Optional<Rejected> personalFieldProblem(
      Workflow workflow, Map<String, Object> data) {
    return data.entrySet().stream()
        .filter(entry -> workflow.isPersonalField(entry.getKey()))
        .map(
            entry ->
                workflow
                    .field(entry.getKey())
                    .flatMap(
                        spec ->
                            isSealed(entry.getValue())
                                ? Optional.of(NOT_A_TOKEN)
                                : spec.problemWith(entry.getValue()))
                    .map(
                        reason ->
                            Rejected.of(
                                ErrorCode.INVALID_FIELD,
                                "field",
                                entry.getKey(),
                                "reason",
                                reason)))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** A value sent in clear must not pass for a sealed one. */
  private static Optional<Rejected> unsealed(String field, String value) {
    return isSealed(value)
        ? Optional.of(Rejected.of(ErrorCode.INVALID_FIELD, "field", field, "reason", NOT_A_TOKEN))
        : Optional.empty();
  }

  /**
   * Why a value does not fit its field as the decider sees it: a personal field takes a token only
   * (its value was checked when sealed), any other field its type and never a token.
   */
  static Optional<String> problemWith(FieldSpec spec, Object value) {
    if (isSealed(value)) {
      return spec.personal() ? Optional.empty() : Optional.of(NOT_A_TOKEN);
    }
    return spec.personal() ? Optional.of(NOT_SEALED) : spec.problemWith(value);
  }

  /** Why a personal text or value is not acceptable to the decider, when it is not. */
  static Optional<String> personalProblem(Object value) {
    return value == null || isSealed(value) ? Optional.empty() : Optional.of(NOT_SEALED);
  }

  static final String NOT_A_TOKEN = "must not begin with " + PREFIX;
  static final String NOT_SEALED = "is personal data and reached the case unsealed";

  /**
   * The request content a fingerprint is taken over: each token stands for its subject and tag, the
   * same for the same value whatever ciphertext a retry got.
   */
  static Object stable(Object content) {
    if (isSealed(content)) {
      String[] parts = parts((String) content);
      return "pii:" + parts[0] + ":" + parts[1];
    }
    if (content instanceof Map<?, ?> map) {
      Map<Object, Object> stable = new LinkedHashMap<>();
      map.forEach((key, value) -> stable.put(key, stable(value)));
      return stable;
    }
    return content;
  }

  /** Every token in a JSON tree. */
  public static Set<String> tokensIn(JsonNode tree) {
    Set<String> tokens = new LinkedHashSet<>();
    collect(tree, tokens);
    return tokens;
  }

  /** Whether a case view holds a token (so answering it needs keys). */
  public static boolean holdsTokens(CaseView view) {
    return isSealed(view.subject())
        || isSealed(view.title())
        || view.data().values().stream().anyMatch(PersonalData::isSealed);
  }

  /**
   * The tree with every token opened by {@code opener}, or {@link #ERASED} where it cannot be: the
   * tree is changed in place and returned.
   */
  public static JsonNode reveal(JsonNode tree, Opener opener) {
    Set<String> tokens = tokensIn(tree);
    if (tokens.isEmpty()) {
      return tree;
    }
    Map<String, JsonNode> opened = new HashMap<>();
    Map<String, Object> values = opener.open(tokens);
    for (String token : tokens) {
      Object value = values.get(token);
      opened.put(
          token,
          value == null
              ? TextNode.valueOf(ERASED)
              : CanonicalJson.parseTree(CanonicalJson.toJson(value)));
    }
    return replace(tree, opened);
  }

  /** A JSON text with every token opened, as {@link #reveal(JsonNode, Opener)}. */
  public static String revealJson(String json, Opener opener) {
    if (!json.contains(PREFIX)) {
      return json;
    }
    return CanonicalJson.toJson(reveal(CanonicalJson.parseTree(json), opener));
  }

  private static void collect(JsonNode node, Set<String> tokens) {
    if (node.isTextual() && isSealed(node.textValue())) {
      tokens.add(node.textValue());
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, tokens));
    }
  }

  private static JsonNode replace(JsonNode node, Map<String, JsonNode> opened) {
    if (node.isTextual() && opened.containsKey(node.textValue())) {
      return opened.get(node.textValue());
    }
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      List<Map.Entry<String, JsonNode>> entries = new java.util.ArrayList<>();
      fields.forEachRemaining(entries::add);
      entries.forEach(entry -> object.set(entry.getKey(), replace(entry.getValue(), opened)));
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, replace(array.get(i), opened));
      }
    }
    return node;
  }

  /** A token's parts after the prefix: subject reference, tag, ciphertext. */
  private static String[] parts(String token) {
    String[] parts = token.substring(PREFIX.length()).split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a sealed token");
    }
    return parts;
  }
}
