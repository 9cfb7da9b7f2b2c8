package io.caseflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The service's OpenAPI document ({@code src/main/resources/openapi.yaml}) as the tests hold the
 * service to it: parsed and checked as OpenAPI 3.1 by swagger-parser, and each answer a test
 * receives checked against it (its status documented for the operation, its content type, the
 * headers it carries and its body against the JSON schema, by networknt's validator).
 */
public final class OpenApiContract {

  private static final String BASE = "https://caseflow.test/openapi.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  /**
   * Headers of Caseflow's own contract: when an answer carries one, the document must name it for
   * that answer.
   */
  private static final Set<String> CONTRACT_HEADERS =
      Set.of(
          "etag",
          "location",
          "caseflow-consistency",
          "idempotent-replayed",
          "retry-after",
          "www-authenticate");

  private static final OpenApiContract INSTANCE = load();

  /** An operation of the document: {@code POST /cases/{caseId}/actions/{action}}. */
  public record Operation(String method, String path) implements Comparable<Operation> {
    @Override
    public int compareTo(Operation other) {
      return Comparator.comparing(Operation::path)
          .thenComparing(Operation::method)
          .compare(this, other);
    }

    @Override
    public String toString() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }
  }

  private record Template(String path, Pattern pattern, int literals) {}

  private final JsonNode document;
  private final OpenAPI parsed;
  private final List<String> parseMessages;
  private final SchemaRegistry schemas;
  private final List<Template> templates;

  private OpenApiContract(JsonNode document, SwaggerParseResult parse) {
    this.document = document;
    this.parsed = parse.getOpenAPI();
    this.parseMessages = parse.getMessages() == null ? List.of() : List.copyOf(parse.getMessages());
    String json = document.toString();
    this.schemas =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder.schemas(Map.of(BASE, json)));
    List<Template> paths = new ArrayList<>();
    document
        .get("paths")
        .fieldNames()
        .forEachRemaining(
            path ->
                paths.add(
                    new Template(
                        path,
                        Pattern.compile(path.replaceAll("\\{[^/]+}", "[^/]+")),
                        (int) Pattern.compile("/[^{/][^/]*").matcher(path).results().count())));
    this.templates = List.copyOf(paths);
  }

  /** The document, read once for every test. */
  public static OpenApiContract get() {
    return INSTANCE;
  }

  private static OpenApiContract load() {
    try (InputStream stream =
        OpenApiContract.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (stream == null) {
        throw new IllegalStateException("openapi.yaml is not on the classpath");
      }
      String yaml = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      return new OpenApiContract(
          new YAMLMapper().readTree(yaml), new OpenAPIV3Parser().readContents(yaml, null, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode document() {
    return document;
  }

  /** What swagger-parser found wrong with the document (nothing, when it is valid OpenAPI). */
  public List<String> parseMessages() {
    return parseMessages;
  }

  public OpenAPI parsed() {
    return parsed;
  }

  /** Every operation the document declares. */
  public Set<Operation> operations() {
    Set<Operation> operations = new TreeSet<>();
    document
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (METHODS.contains(method)) {
                            operations.add(new Operation(method, path.getKey()));
                          }
                        }));
    return operations;
  }

  /**
   * Checks one answer; fails, saying what does not fit, unless the document describes it, and
   * answers the operation it came from. Paths outside the document (an unknown path, a wrong
   * method) are the problem handling's, not an operation's: not checked, and no operation.
   */
  public Optional<Operation> check(
      String method,
      String pathAndQuery,
      int status,
      Map<String, List<String>> headers,
      String body) {
    String path = pathAndQuery.split("\\?", 2)[0];
    Optional<Operation> operation = operationOf(method, path);
    if (operation.isEmpty()) {
      return operation;
    }
    String responsePointer =
        "/paths/"
            + escape(operation.get().path())
            + "/"
            + operation.get().method()
            + "/responses/"
            + status;
    JsonNode entry = document.at(responsePointer);
    String where = operation.get() + " answered " + status + " (" + pathAndQuery + ")";
    if (entry.isMissingNode()) {
      throw new AssertionError(where + ": that status is not in the document; body " + body);
    }
    String response = located(entry, responsePointer);
    checkHeaders(where, response, headers);
    JsonNode content = document.at(response + "/content");
    String contentType =
        first(headers, "content-type").map(type -> type.split(";")[0].trim()).orElse(null);
    if (content.isMissingNode()) {
      if (body != null && !body.isEmpty()) {
        throw new AssertionError(where + ": the document says no body, got " + body);
      }
      return operation;
    }
    if (contentType == null || !content.has(contentType)) {
      throw new AssertionError(
          where + ": content type " + contentType + " is not one of " + fieldNames(content));
    }
    if (contentType.endsWith("json")) {
      List<Error> errors =
          schemaAt(response + "/content/" + escape(contentType) + "/schema")
              .validate(body, InputFormat.JSON);
      if (!errors.isEmpty()) {
        throw new AssertionError(
            where + ": the body does not fit the document: " + errors + "\n" + body);
      }
    }
    return operation;
  }

  /**
   * Checks the answer's headers: each of Caseflow's own it carries must be documented for that
   * answer, and each documented one it carries must fit its schema.
   */
  private void checkHeaders(String where, String response, Map<String, List<String>> headers) {
    JsonNode declared = document.at(response + "/headers");
    Set<String> documented = new TreeSet<>();
    declared.fieldNames().forEachRemaining(name -> documented.add(name.toLowerCase(Locale.ROOT)));
    for (String name : headers.keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (CONTRACT_HEADERS.contains(lower) && !documented.contains(lower)) {
        throw new AssertionError(where + ": header " + name + " is not in the document");
      }
    }
    declared
        .fields()
        .forEachRemaining(
            header ->
                first(headers, header.getKey())
                    .ifPresent(
                        value -> {
                          String pointer =
                              located(
                                  header.getValue(),
                                  response + "/headers/" + escape(header.getKey()));
                          List<Error> errors =
                              schemaAt(pointer + "/schema")
                                  .validate(quoted(value), InputFormat.JSON);
                          if (!errors.isEmpty()) {
                            throw new AssertionError(
                                where
                                    + ": header "
                                    + header.getKey()
                                    + ": "
                                    + value
                                    + " "
                                    + errors);
                          }
                        }));
  }

  /** Where a node's content is: where its {@code $ref} points, or where it stands. */
  private static String located(JsonNode node, String pointer) {
    return node.has("$ref") ? node.get("$ref").asText().substring(1) : pointer;
  }

  private Schema schemaAt(String pointer) {
    return schemas.getSchema(SchemaLocation.of(BASE + "#" + pointer));
  }

  private Optional<Operation> operationOf(String method, String path) {
    String lower = method.toLowerCase(Locale.ROOT);
    return templates.stream()
        .filter(template -> template.pattern().matcher(path).matches())
        .filter(template -> document.get("paths").get(template.path()).has(lower))
        .max(Comparator.comparingInt(Template::literals))
        .map(template -> new Operation(lower, template.path()));
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(header -> header.getKey().equalsIgnoreCase(name))
        .flatMap(header -> header.getValue().stream())
        .findFirst();
  }

  private static String escape(String pointerSegment) {
    return pointerSegment.replace("~", "~0").replace("/", "~1");
  }

  private static String quoted(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
