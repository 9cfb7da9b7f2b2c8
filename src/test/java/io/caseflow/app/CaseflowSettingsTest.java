package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.Principal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaseflowSettingsTest {

  @Test
  void readsTheDefaults() {
    CaseflowSettings settings = settingsWith("");

    assertAll(
        () -> assertEquals(8080, settings.http().port()),
        () -> assertEquals(64 * 1024, settings.http().maxBodySize()),
        () -> assertTrue(settings.db().isEmbedded(), "embedded database when the url is empty"),
        () ->
            assertEquals(
                new Principal("alice", "acme", Set.of("analyst")),
                settings.auth().demoPrincipals().get("alice")),
        () ->
            assertEquals(
                new Principal("dave", "globex", Set.of("analyst", "reviewer")),
                settings.auth().demoPrincipals().get("dave")));
  }

  @Test
  void demoTokensAreForTheEmbeddedDefaultUnlessForced() {
    String postgres = "caseflow.db.url = \"jdbc:postgresql://localhost:5432/caseflow\"\n";
    assertTrue(settingsWith("").demoTokensAccepted());
    assertTrue(!settingsWith(postgres).demoTokensAccepted(), "off once a database URL is set");
    assertTrue(settingsWith(postgres + "caseflow.auth.demo-tokens = true").demoTokensAccepted());
    assertTrue(!settingsWith("caseflow.auth.demo-tokens = false").demoTokensAccepted());
    assertRejected(
        "caseflow.auth.demo-tokens = maybe", "caseflow.auth.demo-tokens", "must be true, false");
  }

  @Test
  void aClusterNeedsPostgresqlAndWellFormedSeedNodes() {
    String postgres = "caseflow.db.url = \"jdbc:postgresql://localhost:5432/caseflow\"\n";
    CaseflowSettings clustered =
        settingsWith(postgres + "caseflow.cluster.seed-nodes = \"10.0.0.1:2551, node-b:2552\"");
    assertEquals(List.of("10.0.0.1:2551", "node-b:2552"), clustered.node().seedNodes());
    assertTrue(clustered.node().joinsOthers());
    assertTrue(!settingsWith("").node().joinsOthers(), "alone without seeds");
    assertRejected(
        "caseflow.cluster.seed-nodes = \"10.0.0.1:2551\"",
        "caseflow.cluster.seed-nodes",
        "needs a shared PostgreSQL database");
    assertRejected(
        postgres + "caseflow.cluster.seed-nodes = \"10.0.0.1\"",
        "caseflow.cluster.seed-nodes",
        "must list host:port");
    assertRejected(
        postgres + "caseflow.cluster.seed-nodes = \"a:2551,b:70000\"",
        "caseflow.cluster.seed-nodes",
        "must list host:port");
  }

  @Test
  void aClusterMayBootstrapThroughAConfiguredDiscoveryMethod() {
    String postgres = "caseflow.db.url = \"jdbc:postgresql://localhost:5432/caseflow\"\n";
    CaseflowSettings kubernetes =
        settingsWith(postgres + "caseflow.cluster.discovery-method = kubernetes-api");
    assertEquals(Optional.of("kubernetes-api"), kubernetes.node().discoveryMethod());
    assertTrue(kubernetes.node().joinsOthers());
    assertEquals(7626, kubernetes.node().managementPort(), "Pekko Management's default port");
    assertRejected(
        "caseflow.cluster.discovery-method = kubernetes-api",
        "caseflow.cluster.discovery-method",
        "needs a shared PostgreSQL database");
    assertRejected(
        postgres + "caseflow.cluster.discovery-method = consul-maybe",
        "caseflow.cluster.discovery-method",
        "names no Pekko discovery method");
    assertRejected(
        postgres
            + "caseflow.cluster.discovery-method = kubernetes-api\n"
            + "caseflow.cluster.seed-nodes = \"a:2551\"",
        "caseflow.cluster.discovery-method",
        "cannot be used together with caseflow.cluster.seed-nodes");
  }

  @Test
  void rejectsPortOutOfRange() {
    assertRejected("caseflow.http.port = 99999", "caseflow.http.port", "must be a port");
  }

  @Test
  void rejectsPortThatIsNotANumber() {
    assertRejected("caseflow.http.port = eighty", "caseflow.http.port", "is invalid");
  }

  @Test
  void rejectsMisspelledSetting() {
    assertRejected("caseflow.http.prot = 8081", "caseflow.http.prot", "is unknown");
  }

  @Test
  void rejectsDatabaseUrlThatIsNotPostgresql() {
    assertRejected(
        "caseflow.db.url = \"jdbc:mysql://localhost:3306/caseflow\"",
        "caseflow.db.url",
        "must be a PostgreSQL JDBC URL");
  }

  @Test
  void rejectsASchemaOwnerForTheEmbeddedDatabase() {
    assertRejected(
        "caseflow.db.migration-user = caseflow_owner",
        "caseflow.db.migration-user",
        "needs a PostgreSQL database");
  }

  @Test
  void aSchemaOwnerOtherThanTheServiceUserIsSeparate() {
    CaseflowSettings settings =
        CaseflowSettings.from(
            ConfigFactory.parseString(
                    "caseflow.db.url = \"jdbc:postgresql://localhost:5432/caseflow\"\n"
                        + "caseflow.db.user = caseflow_app\n"
                        + "caseflow.db.migration-user = caseflow_owner")
                .withFallback(ConfigFactory.load())
                .resolve());
    assertTrue(settings.db().hasSeparateOwner());
    assertEquals("caseflow_owner", settings.db().migrationUser());
  }

  @Test
  void rejectsZeroAskTimeout() {
    assertRejected(
        "caseflow.http.ask-timeout = 0s", "caseflow.http.ask-timeout", "must be greater than zero");
  }

  @Test
  void rejectsMoreLiveStreamsThanTheServerTakesConnections() {
    assertRejected(
        "pekko.http.server.max-connections = 1024",
        "caseflow.rate-limits.streams-per-node",
        "must be below pekko.http.server.max-connections (1024)");
  }

  @Test
  void rejectsABodyLimitAboveWhatTheServerReads() {
    assertRejected(
        "caseflow.http.max-body-size = 2MiB",
        "caseflow.http.max-body-size",
        "must be at most pekko.http.server.parsing.max-content-length (1m)");
    assertEquals(
        2 * 1024 * 1024,
        settingsWith(
                "caseflow.http.max-body-size = 2MiB\n"
                    + "pekko.http.server.parsing.max-content-length = 4m")
            .http()
            .maxBodySize());
  }

  @Test
  void privateWebhookTargetsAreAListOrCommaSeparated() {
    assertEquals(List.of(), settingsWith("").webhooks().allowedPrivateTargets(), "none by default");
    assertEquals(
        List.of("hooks.internal", "10.8.0.0/16"),
        settingsWith(
                "caseflow.webhooks.allowed-private-targets = [hooks.internal, \"10.8.0.0/16\"]")
            .webhooks()
            .allowedPrivateTargets());
    assertEquals(
        List.of("127.0.0.1", "10.8.0.0/16"),
        settingsWith("caseflow.webhooks.allowed-private-targets = \"127.0.0.1, 10.8.0.0/16\"")
            .webhooks()
            .allowedPrivateTargets(),
        "as CASEFLOW_WEBHOOKS_ALLOWED_PRIVATE_TARGETS gives it");
  }

  @Test
  void corsOriginsAreSchemeHostAndPortOnly() {
    assertEquals(
        List.of("https://app.example.com", "http://localhost:3000"),
        settingsWith(
                "caseflow.http.cors-origins = \"https://app.example.com, http://localhost:3000\"")
            .http()
            .corsOrigins());
    assertEquals(List.of(), settingsWith("").http().corsOrigins(), "none by default");
    for (String origin : List.of("*", "https://app.example.com/path", "app.example.com")) {
      assertRejected(
          "caseflow.http.cors-origins = \"" + origin + "\"",
          "caseflow.http.cors-origins",
          "must list origins");
    }
  }

  @Test
  void refusalsAreKeptAtLeastADay() {
    assertRejected(
        "caseflow.refusals.retention = 12h", "caseflow.refusals.retention", "at least a day");
  }

  @Test
  void listensOnLoopbackOnlyWhileDemoTokensAreOnUnlessAnInterfaceIsSet() {
    String postgres = "caseflow.db.url = \"jdbc:postgresql://localhost:5432/caseflow\"\n";
    assertEquals("127.0.0.1", settingsWith("").httpInterface(), "demo tokens on: loopback");
    assertEquals("0.0.0.0", settingsWith(postgres).httpInterface(), "demo tokens off: all");
    assertEquals(
        "127.0.0.1",
        settingsWith(postgres + "caseflow.auth.demo-tokens = true").httpInterface(),
        "forced demo tokens: loopback");
    assertEquals(
        "0.0.0.0",
        settingsWith("caseflow.http.interface = \"0.0.0.0\"").httpInterface(),
        "as set, even with demo tokens (start-up warns)");
  }

  @Test
  void theOperatorAndAdminRolesAreNamedInTheSettings() {
    assertEquals("operator", settingsWith("").http().roles().operator());
    assertEquals("admin", settingsWith("").http().roles().admin());
    assertEquals(
        "caseflow-platform",
        settingsWith("caseflow.auth.operator-role = caseflow-platform").http().roles().operator());
  }

  @Test
  void jwtNeedsAnAudienceAndAsymmetricAlgorithms() {
    String issuer = "caseflow.auth.jwt.issuer = \"https://login.example/realms/acme\"\n";
    assertTrue(settingsWith("").auth().jwt().isEmpty(), "off without an issuer");
    CaseflowSettings on =
        settingsWith(
            issuer
                + "caseflow.auth.jwt.audience = caseflow\n"
                + "caseflow.auth.jwt.roles-claim = realm_access.roles\n"
                + "caseflow.auth.jwt.role-mapping { \"caseflow-reviewers\" = reviewer }");
    assertEquals("caseflow", on.auth().jwt().orElseThrow().audience());
    assertEquals(
        List.of("RS256", "PS256", "ES256", "EdDSA"), on.auth().jwt().orElseThrow().algorithms());
    assertEquals(
        java.util.Map.of("caseflow-reviewers", "reviewer"),
        on.auth().jwt().orElseThrow().roleMapping());
    assertRejected(issuer, "caseflow.auth.jwt.audience", "is required when JWT is on");
    assertRejected(
        issuer
            + "caseflow.auth.jwt.audience = caseflow\ncaseflow.auth.jwt.algorithms = \"RS256,HS256\"",
        "caseflow.auth.jwt.algorithms",
        "never none or HMAC");
    assertRejected(
        issuer + "caseflow.auth.jwt.audience = caseflow\ncaseflow.auth.jwt.algorithms = none",
        "caseflow.auth.jwt.algorithms",
        "never none or HMAC");
    assertRejected(
        "caseflow.auth.jwt.issuer = \"login.example\"\ncaseflow.auth.jwt.audience = caseflow",
        "caseflow.auth.jwt.issuer",
        "must be an absolute http(s) URL");
    assertRejected(
        "caseflow.auth.jwt.audience = caseflow",
        "caseflow.auth.jwt.issuer",
        "is needed for the JWT settings given");
  }

  @Test
  void theSecretKeyIsTheBase64Of32BytesAndNeverQuoted() {
    assertTrue(settingsWith("").secretKey().isEmpty(), "none by default");
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertTrue(settingsWith("caseflow.secret-key = \"" + key + "\"").secretKey().isPresent());
    String sixteen = java.util.Base64.getEncoder().encodeToString(new byte[16]);
    assertRejected(
        "caseflow.secret-key = \"" + sixteen + "\"", "caseflow.secret-key", "CASEFLOW_SECRET_KEY");
    assertRejected(
        "caseflow.secret-key = \"" + sixteen + "\"",
        "caseflow.secret-key",
        "decodes to 16 bytes instead of 32");
    String notBase64 = "correct-horse-battery-staple";
    assertRejected(
        "caseflow.secret-key = \"" + notBase64 + "\"", "caseflow.secret-key", "is not base64");
    String message =
        assertThrows(
                InvalidSettingException.class,
                () -> settingsWith("caseflow.secret-key = \"" + notBase64 + "\""))
            .getMessage();
    assertTrue(!message.contains(notBase64), "the value is a secret: " + message);
  }

  /**
   * A deployment's file written for 0.1.0 still sets the key under its former name, layered over
   * the packaged configuration as the service does it (the packaged file reads the former name into
   * the present one).
   */
  @Test
  void theSecretKeysFormerNameInADeploymentsFileStillSetsIt() throws Exception {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    byte[] otherBytes = new byte[32];
    java.util.Arrays.fill(otherBytes, (byte) 7);
    String other = java.util.Base64.getEncoder().encodeToString(otherBytes);
    assertTrue(
        deployedWith("caseflow.webhooks.secret-key = \"" + key + "\"").secretKey().isPresent());
    assertTrue(deployedWith("").secretKey().isEmpty(), "none by default");
    String sealed =
        deployedWith("caseflow.secret-key = \"" + other + "\"")
            .secretKey()
            .orElseThrow()
            .seal("the present name wins", List.of());
    assertEquals(
        "the present name wins",
        deployedWith(
                "caseflow.webhooks.secret-key = \""
                    + key
                    + "\"\n"
                    + "caseflow.secret-key = \""
                    + other
                    + "\"")
            .secretKey()
            .orElseThrow()
            .open(sealed, List.of()));
  }

  private static CaseflowSettings deployedWith(String deploymentFile) {
    return CaseflowSettings.from(
        ConfigFactory.load(
            ConfigFactory.parseString(deploymentFile)
                .withFallback(ConfigFactory.parseResources("application.conf"))));
  }

  @Test
  void tracesAreOffUntilAnOtlpEndpointIsSet() {
    assertEquals(Optional.empty(), settingsWith("").traces().otlpEndpoint());
    assertEquals(
        "http://collector:4318",
        settingsWith("caseflow.traces.otlp-endpoint = \"http://collector:4318\"")
            .traces()
            .otlpEndpoint()
            .orElseThrow()
            .toString());
    assertRejected(
        "caseflow.traces.otlp-endpoint = \"collector:4318\"",
        "caseflow.traces.otlp-endpoint",
        "http");
    assertRejected(
        "caseflow.traces.service-name = \" \"",
        "caseflow.traces.service-name",
        "must not be empty");
  }

  private static void assertRejected(String override, String setting, String problem) {
    String message =
        assertThrows(InvalidSettingException.class, () -> settingsWith(override)).getMessage();

    assertAll(
        () -> assertTrue(message.contains("'" + setting + "'"), "names the setting: " + message),
        () -> assertTrue(message.contains(problem), "names the problem: " + message));
  }

  /** The packaged application.conf with {@code override} (HOCON) on top. */
  private static CaseflowSettings settingsWith(String override) {
    return CaseflowSettings.from(
        ConfigFactory.parseString(override).withFallback(ConfigFactory.load()).resolve());
  }
}
