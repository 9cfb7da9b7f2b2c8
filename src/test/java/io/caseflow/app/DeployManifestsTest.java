package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.notify.SecretBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code deploy/} were not run on a real cluster, so this checks what
 * can be checked without one: the shape of each object, that the pieces refer to each other
 * (labels, ports, service account), that they agree with what Pekko's Kubernetes discovery looks
 * for, and that the node's environment is accepted by Caseflow's own settings check.
 */
class DeployManifestsTest {

  private static final Path MANIFEST = Path.of("deploy/kubernetes/caseflow.yaml");
  private static final Map<String, JsonNode> byKind = new HashMap<>();

  @BeforeAll
  static void readManifests() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (var documents = yaml.readerFor(JsonNode.class).readValues(Files.readString(MANIFEST))) {
      while (documents.hasNext()) {
        JsonNode document = (JsonNode) documents.next();
        for (String field : List.of("apiVersion", "kind", "metadata")) {
          assertTrue(document.hasNonNull(field), () -> "every object needs " + field);
        }
        assertTrue(document.at("/metadata/name").isTextual(), "every object needs a name");
        byKind.put(document.get("kind").asText(), document);
      }
    }
  }

  @Test
  void declaresTheObjectsOfAClusteredDeployment() {
    assertEquals(
        Set.of(
            "ConfigMap",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget"),
        byKind.keySet());
    assertEquals("apps/v1", deployment().get("apiVersion").asText());
    assertEquals("policy/v1", byKind.get("PodDisruptionBudget").get("apiVersion").asText());
    assertEquals(3, deployment().at("/spec/replicas").asInt());
  }

  @Test
  void selectorsMatchThePodsLabels() {
    JsonNode podLabels = deployment().at("/spec/template/metadata/labels");
    for (JsonNode selector :
        List.of(
            deployment().at("/spec/selector/matchLabels"),
            byKind.get("Service").at("/spec/selector"),
            byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))) {
      assertTrue(selector.size() > 0);
      selector
          .fields()
          .forEachRemaining(
              label ->
                  assertEquals(label.getValue(), podLabels.get(label.getKey()), label::getKey));
    }
    assertEquals(
        1,
        byKind.get("PodDisruptionBudget").at("/spec/maxUnavailable").asInt(),
        "a drain takes one node of three: the other two are a majority");
  }

  @Test
  void discoveryFindsThePodsAndMayListThem() {
    Config pekko = nodeConfig();
    String serviceName =
        pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name");
    String selector =
        pekko
            .getString("pekko.discovery.kubernetes-api.pod-label-selector")
            .replace("%s", serviceName);
    String[] label = selector.split("=", 2);
    assertEquals(
        label[1], deployment().at("/spec/template/metadata/labels/" + label[0]).asText(), selector);

    assertEquals(
        "",
        pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name"),
        "without a port name, bootstrap probes each pod on the node's own management port");
    assertEquals(CaseflowSettings.from(pekko).node().managementPort(), containerPort("management"));

    String account = deployment().at("/spec/template/spec/serviceAccountName").asText();
    assertEquals(account, byKind.get("ServiceAccount").at("/metadata/name").asText());
    JsonNode binding = byKind.get("RoleBinding");
    assertEquals(account, binding.at("/subjects/0/name").asText());
    assertEquals(
        byKind.get("Role").at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
    JsonNode rule = byKind.get("Role").at("/rules/0");
    assertEquals("pods", rule.at("/resources/0").asText());
    assertEquals(Set.of("get", "watch", "list"), texts(rule.get("verbs")));
  }

  @Test
  void probesAskPekkoManagementOnItsPort() {
    JsonNode container = container();
    assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/alive", container.at("/livenessProbe/httpGet/path").asText());
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      String port = container.at("/" + probe + "/httpGet/port").asText();
      assertEquals("management", port, probe);
    }
  }

  @Test
  void theNodesEnvironmentIsAcceptedByCaseflowsSettings() {
    Set<String> known = environmentVariablesInConfiguration();
    Set<String> unknown = new TreeSet<>(environment().keySet());
    unknown.removeAll(known);
    assertEquals(Set.of(), unknown, "variables that no setting reads");

    Config config = nodeConfig();
    CaseflowSettings settings = CaseflowSettings.from(config);
    assertEquals(java.util.Optional.of("kubernetes-api"), settings.node().discoveryMethod());
    assertEquals(containerPort("remoting"), settings.node().port());
    assertEquals(containerPort("management"), settings.node().managementPort());
    assertEquals(containerPort("http"), settings.http().port());
    assertTrue(!settings.demoTokensAccepted(), "demo tokens stay off in a deployment");
    JsonNode auth = byKind.get("ConfigMap").get("data");
    var jwt = settings.auth().jwt().orElseThrow(() -> new AssertionError("JWT is on"));
    assertEquals(auth.get("issuer").asText(), jwt.issuer().toString());
    assertEquals(auth.get("audience").asText(), jwt.audience());
    assertEquals(auth.get("roles-claim").asText(), jwt.rolesClaim());
  }

  @Test
  void theWebhookSecretKeyComesFromASecret() {
    JsonNode key = environment().get("CASEFLOW_SECRET_KEY");
    assertTrue(key != null, "without a key, a node on PostgreSQL refuses to create webhooks");
    assertTrue(
        key.at("/valueFrom/secretKeyRef/name").isTextual(),
        () -> "from a Secret, not a literal or a ConfigMap: " + key);
    assertTrue(CaseflowSettings.from(nodeConfig()).secretKey().isPresent());
  }

  @Test
  void theSchemaOwnerRunsTheMigrationsAndTheServiceOnlyItsOwnRole() {
    JsonNode owner = environment().get("CASEFLOW_DB_MIGRATION_USER");
    assertTrue(owner != null, "without an owner, the service's role owns the journal");
    assertEquals("migration-user", owner.at("/valueFrom/secretKeyRef/key").asText());
    assertTrue(environment().containsKey("CASEFLOW_DB_MIGRATION_PASSWORD"));
    assertTrue(CaseflowSettings.from(nodeConfig()).db().hasSeparateOwner());
  }

  /**
   * {@code conf/application.conf} with the container's environment: literal values as given, values
   * from the pod (its IP) or from the secret replaced by stand-ins of the right form.
   */
  private static Config nodeConfig() {
    Map<String, Object> variables = new HashMap<>();
    environment()
        .forEach(
            (name, value) ->
                variables.put(
                    name,
                    value.isTextual()
                        ? value.asText()
                        : value.at("/valueFrom").has("configMapKeyRef")
                            ? configMapValue(value.at("/valueFrom/configMapKeyRef"))
                            : switch (value.at("/valueFrom/secretKeyRef/key").asText()) {
                              case "url" -> "jdbc:postgresql://db:5432/caseflow";
                              case "user" -> "caseflow_app";
                              case "migration-user" -> "caseflow_owner";
                              case "secret-key" -> SecretBox.newKeyBase64();
                              case "" -> "10.1.2.3";
                              default -> "from-secret";
                            }));
    return ConfigFactory.parseMap(variables)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** The value a container takes from the manifest's ConfigMap, which must hold the key. */
  private static String configMapValue(JsonNode reference) {
    JsonNode map = byKind.get("ConfigMap");
    assertEquals(reference.get("name").asText(), map.at("/metadata/name").asText());
    JsonNode value = map.at("/data/" + reference.get("key").asText());
    assertTrue(value.isTextual(), () -> "the ConfigMap has no key " + reference.get("key"));
    return value.asText();
  }

  private static Set<String> environmentVariablesInConfiguration() {
    try {
      Matcher matcher =
          Pattern.compile("\\$\\{\\?(CASEFLOW_[A-Z_]+)}")
              .matcher(Files.readString(Path.of("conf/application.conf")));
      Set<String> names = new TreeSet<>();
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Each variable's literal value, or its {@code valueFrom} when it comes from elsewhere. */
  private static Map<String, JsonNode> environment() {
    Map<String, JsonNode> environment = new HashMap<>();
    for (JsonNode variable : container().get("env")) {
      environment.put(
          variable.get("name").asText(), variable.has("value") ? variable.get("value") : variable);
    }
    return environment;
  }

  private static int containerPort(String name) {
    return StreamSupport.stream(container().get("ports").spliterator(), false)
        .filter(port -> name.equals(port.get("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name))
        .get("containerPort")
        .asInt();
  }

  private static JsonNode deployment() {
    return byKind.get("Deployment");
  }

  private static JsonNode container() {
    JsonNode containers = deployment().at("/spec/template/spec/containers");
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> texts = new TreeSet<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
