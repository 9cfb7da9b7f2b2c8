package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.ErrorCode;
import io.caseflow.testing.OpenApiContract;
import io.caseflow.testing.OpenApiContract.Operation;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is valid OpenAPI 3.1 (by swagger-parser and by the OpenAPI Initiative's
 * schema), its schemas hold only keywords, it names exactly the service's error codes and event
 * types, and the check the HTTP tests run against it refuses answers it does not describe.
 */
class OpenApiDocumentTest {

  private static final OpenApiContract CONTRACT = OpenApiContract.get();
  private static final ObjectMapper JSON_READER = new ObjectMapper();
  private static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"));
  private static final Map<String, List<String>> PROBLEM =
      Map.of("Content-Type", List.of("application/problem+json"));

  @Test
  void isValidOpenApi31() {
    assertEquals(List.of(), CONTRACT.parseMessages());
    assertEquals("3.1.0", CONTRACT.parsed().getOpenapi());
    assertTrue(CONTRACT.operations().size() >= 25, CONTRACT.operations()::toString);
  }

  @Test
  void namesExactlyTheServicesErrorCodesAndEventTypes() {
    assertEquals(
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList(),
        texts(CONTRACT.document().at("/components/schemas/ErrorCode/enum")));
    assertEquals(
        CaseEvent.TYPE_NAMES, texts(CONTRACT.document().at("/components/schemas/EventType/enum")));
  }

  /**
   * The OpenAPI Initiative's schema of 3.1 documents (see {@code
   * src/test/resources/openapi-3.1/README.md}): every object where it belongs, with the members it
   * may have.
   */
  @Test
  void validatesAgainstTheOpenApi31Schema() throws Exception {
    String schema;
    try (InputStream stream =
        getClass().getClassLoader().getResourceAsStream("openapi-3.1/schema-2025-11-23.json")) {
      schema = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
    String id = "https://spec.openapis.org/oas/3.1/schema/2025-11-23";
    List<com.networknt.schema.Error> errors =
        SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12, builder -> builder.schemas(Map.of(id, schema)))
            .getSchema(SchemaLocation.of(id))
            .validate(CONTRACT.document().toString(), InputFormat.JSON);
    assertEquals(List.of(), errors.stream().map(Object::toString).toList());
  }

  /**
   * JSON Schema passes unknown keywords by, so a description broken by a comma in a YAML flow
   * mapping (`{ description: Signed, whole and chained }` makes a keyword `whole and chained`)
   * would go unnoticed: every schema object holds JSON Schema 2020-12 and OpenAPI keywords only.
   */
  @Test
  void everySchemaHoldsOnlyJsonSchemaAndOpenApiKeywords() {
    List<String> unknown = new ArrayList<>();
    schemasOf(CONTRACT.document(), "", false, unknown);
    assertEquals(List.of(), unknown);
    List<String> broken = new ArrayList<>();
    schemasOf(
        JSON_READER.valueToTree(
            Map.of("schema", Map.of("description", "Signed", "whole and chained", ""))),
        "",
        false,
        broken);
    assertEquals(List.of("/schema: whole and chained"), broken, "the check says no");
  }

  @Test
  void everyOperationDocumentsTheServersOwnRefusals() {
    for (Operation operation : CONTRACT.operations()) {
      JsonNode definition =
          CONTRACT.document().get("paths").get(operation.path()).get(operation.method());
      JsonNode responses = definition.get("responses");
      for (String status : List.of("400", "414", "431")) {
        assertTrue(responses.has(status), operation + " documents " + status);
      }
      assertEquals(
          definition.has("requestBody"),
          responses.has("413"),
          operation + " documents 413 exactly when it takes a body");
      if (responses.has("503")) {
        JsonNode unavailable = resolved(responses.get("503"));
        assertTrue(
            unavailable.path("headers").has("Retry-After"), operation + ": 503 says when to retry");
      }
    }
  }

  @Test
  void everyOperationAnswersItsFailuresAsProblems() {
    for (Operation operation : CONTRACT.operations()) {
      JsonNode definition =
          CONTRACT.document().get("paths").get(operation.path()).get(operation.method());
      JsonNode responses = definition.get("responses");
      assertTrue(responses.has("500"), operation + " documents 500");
      boolean open = definition.has("security") && definition.get("security").isEmpty();
      if (!open) {
        assertTrue(responses.has("401"), operation + " documents 401");
        assertTrue(responses.has("429"), operation + " documents 429");
      }
    }
  }

  @Test
  void theCheckAcceptsWhatTheDocumentDescribes() {
    assertEquals(
        new Operation("get", "/cases/{caseId}/history/verify"),
        CONTRACT
            .check(
                "GET",
                "/cases/c-1/history/verify",
                200,
                JSON,
                "{\"valid\":true,\"events\":3,\"checkpoint\":null}")
            .orElseThrow());
    assertEquals(
        new Operation("get", "/webhooks/dead-letters"),
        CONTRACT.check("GET", "/webhooks/dead-letters", 200, JSON, "[]").orElseThrow(),
        "a literal path wins over a template that also matches");
    assertTrue(CONTRACT.check("GET", "/no/such/path", 404, PROBLEM, "{}").isEmpty());
  }

  @Test
  void theCheckRefusesWhatTheDocumentDoesNotDescribe() {
    refused("a required field missing", 200, JSON, "{\"valid\":true,\"checkpoint\":null}");
    refused(
        "a field the document does not name",
        200,
        JSON,
        "{\"valid\":true,\"events\":3,\"checkpoint\":null,\"extra\":1}");
    refused("a status the document does not name", 418, PROBLEM, problem(418, "internal_error"));
    refused("another content type", 200, PROBLEM, "{}");
    refused(
        "a contract header the document does not name for that answer",
        200,
        Map.of("Content-Type", List.of("application/json"), "ETag", List.of("\"3\"")),
        "{\"valid\":true,\"events\":3,\"checkpoint\":null}");
    assertThrows(
        AssertionError.class,
        () -> CONTRACT.check("GET", "/cases/c-1", 404, PROBLEM, problem(404, "no_such_code")),
        "a code outside the catalogue");
  }

  /** An answer of {@code GET /cases/{caseId}/history/verify} that the check must refuse. */
  private static void refused(
      String why, int status, Map<String, List<String>> headers, String body) {
    assertThrows(
        AssertionError.class,
        () -> CONTRACT.check("GET", "/cases/c-1/history/verify", status, headers, body),
        why);
  }

  private static String problem(int status, String code) {
    return "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":"
        + status
        + ",\"code\":\""
        + code
        + "\",\"detail\":\"d\"}";
  }

  /** JSON Schema 2020-12's keywords (every vocabulary) and those OpenAPI 3.1 adds. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "$id",
          "$schema",
          "$ref",
          "$anchor",
          "$dynamicRef",
          "$dynamicAnchor",
          "$vocabulary",
          "$comment",
          "$defs",
          "allOf",
          "anyOf",
          "oneOf",
          "not",
          "if",
          "then",
          "else",
          "dependentSchemas",
          "prefixItems",
          "items",
          "contains",
          "properties",
          "patternProperties",
          "additionalProperties",
          "propertyNames",
          "unevaluatedItems",
          "unevaluatedProperties",
          "type",
          "enum",
          "const",
          "multipleOf",
          "maximum",
          "exclusiveMaximum",
          "minimum",
          "exclusiveMinimum",
          "maxLength",
          "minLength",
          "pattern",
          "maxItems",
          "minItems",
          "uniqueItems",
          "maxContains",
          "minContains",
          "maxProperties",
          "minProperties",
          "required",
          "dependentRequired",
          "title",
          "description",
          "default",
          "deprecated",
          "readOnly",
          "writeOnly",
          "examples",
          "format",
          "contentEncoding",
          "contentMediaType",
          "contentSchema",
          "discriminator",
          "xml",
          "externalDocs",
          "example");

  /** Keywords whose value is one schema, a list of them, or a map of names to them. */
  private static final Set<String> ONE_SCHEMA =
      Set.of(
          "not",
          "if",
          "then",
          "else",
          "items",
          "contains",
          "additionalProperties",
          "propertyNames",
          "unevaluatedItems",
          "unevaluatedProperties",
          "contentSchema");

  private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
  private static final Set<String> SCHEMA_MAPS =
      Set.of("properties", "patternProperties", "$defs", "dependentSchemas");

  /**
   * Collects, into {@code unknown}, each member of a schema object that is no keyword; schema
   * objects are found under every {@code schema} member and {@code components/schemas}, and in the
   * keywords that hold schemas.
   */
  private static void schemasOf(JsonNode node, String at, boolean isSchema, List<String> unknown) {
    if (isSchema && node.isObject()) {
      node.fields()
          .forEachRemaining(
              member -> {
                String key = member.getKey();
                String here = at + "/" + key;
                if (!KEYWORDS.contains(key) && !key.startsWith("x-")) {
                  unknown.add(at + ": " + key);
                } else if (ONE_SCHEMA.contains(key)) {
                  schemasOf(member.getValue(), here, true, unknown);
                } else if (SCHEMA_LISTS.contains(key)) {
                  member.getValue().forEach(item -> schemasOf(item, here + "/*", true, unknown));
                } else if (SCHEMA_MAPS.contains(key)) {
                  member
                      .getValue()
                      .fields()
                      .forEachRemaining(
                          named ->
                              schemasOf(
                                  named.getValue(), here + "/" + named.getKey(), true, unknown));
                }
              });
      return;
    }
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              member -> {
                String here = at + "/" + member.getKey();
                if (member.getKey().equals("schema")) {
                  schemasOf(member.getValue(), here, true, unknown);
                } else if (here.equals("/components/schemas")) {
                  member
                      .getValue()
                      .fields()
                      .forEachRemaining(
                          named ->
                              schemasOf(
                                  named.getValue(), here + "/" + named.getKey(), true, unknown));
                } else {
                  schemasOf(member.getValue(), here, false, unknown);
                }
              });
    } else if (node.isArray()) {
      node.forEach(item -> schemasOf(item, at + "/*", false, unknown));
    }
  }

  /** A response, with its {@code $ref} to the document's components followed. */
  private static JsonNode resolved(JsonNode response) {
    return response.has("$ref")
        ? CONTRACT.document().at(response.get("$ref").asText().substring(1))
        : response;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
