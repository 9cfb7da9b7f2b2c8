package io.caseflow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import io.caseflow.app.CaseflowSettings.Toggle;
import io.caseflow.cases.Principal;
import io.caseflow.http.JwtSettings;
import io.caseflow.notify.SecretBox;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Reads {@code caseflow.*} paths and remembers which ones it read. */
final class SettingsReader {

  private static final String ROOT = "caseflow.";
  private static final String PRINCIPALS = "auth.demo-principals";
  private static final String ROLE_MAPPING = "auth.jwt.role-mapping";

  private final Config config;
  private final Set<String> read = new HashSet<>();

  SettingsReader(Config config) {
    this.config = config;
  }

  <T> T read(String path, java.util.function.BiFunction<Config, String, T> getter) {
    read.add(path);
    try {
      return getter.apply(config, ROOT + path);
    } catch (ConfigException.Missing e) {
      throw new InvalidSettingException(ROOT + path, "is missing");
    } catch (ConfigException e) {
      throw new InvalidSettingException(ROOT + path, "is invalid: " + e.getMessage());
    }
  }

  <T extends Comparable<T>> T positive(
      String path, java.util.function.BiFunction<Config, String, T> getter) {
    T value = read(path, getter);
    boolean positive =
        value instanceof Duration d
            ? !d.isNegative() && !d.isZero()
            : ((Number) value).longValue() > 0;
    if (!positive) {
      throw new InvalidSettingException(ROOT + path, "must be greater than zero, was " + value);
    }
    return value;
  }

  int port(String path) {
    int port = read(path, Config::getInt);
    if (port < 0 || port > 65_535) {
      throw new InvalidSettingException(ROOT + path, "must be a port from 0 to 65535, was " + port);
    }
    return port;
  }

  /**
   * A Pekko discovery method that is configured ({@code pekko.discovery.<name>}); empty for none.
   */
  Optional<String> discoveryMethod(String path) {
    String value = read(path, Config::getString).trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!config.hasPath("pekko.discovery." + ConfigUtil.quoteString(value) + ".class")) {
      throw new InvalidSettingException(
          ROOT + path,
          "names no Pekko discovery method, was '" + value + "' (for example kubernetes-api)");
    }
    return Optional.of(value);
  }

  /** A comma-separated list of {@code host:port}; empty for none. */
  /**
   * A list given as a list, or as one string of values separated by commas, as an environment
   * variable gives it ({@code CASEFLOW_…=a,b}).
   */
  List<String> listOrCommaSeparated(String path) {
    return read(
        path,
        (config, key) ->
            config.getValue(key).valueType() == ConfigValueType.LIST
                ? config.getStringList(key)
                : Arrays.stream(config.getString(key).split(","))
                    .map(String::trim)
                    .filter(value -> !value.isEmpty())
                    .toList());
  }

  List<String> seedNodes(String path) {
    String value = read(path, Config::getString).trim();
    if (value.isEmpty()) {
      return List.of();
    }
    List<String> seeds = new ArrayList<>();
    for (String seed : value.split(",")) {
      String trimmed = seed.trim();
      int colon = trimmed.lastIndexOf(':');
      boolean valid = colon > 0 && trimmed.substring(colon + 1).matches("\\d{1,5}");
      if (!valid || Integer.parseInt(trimmed.substring(colon + 1)) > 65_535) {
        throw new InvalidSettingException(
            ROOT + path, "must list host:port addresses separated by commas, was '" + value + "'");
      }
      seeds.add(trimmed);
    }
    return List.copyOf(seeds);
  }

  /**
   * The key in the base64 of 32 bytes; empty for none. The value never appears in a message: it is
   * a secret.
   */
  Optional<SecretBox> secretKey(String path) {
    String value = read(path, Config::getString).strip();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SecretBox.ofBase64(value));
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          ROOT + path,
          "(CASEFLOW_SECRET_KEY) must be the base64 of "
              + SecretBox.KEY_BYTES
              + " random bytes, such as `openssl rand -base64 32` prints, but "
              + e.getMessage());
    }
  }

  Toggle toggle(String path) {
    String value = read(path, Config::getString).trim();
    try {
      return Toggle.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          ROOT + path, "must be true, false or embedded-only, was " + value);
    }
  }

  /** The JWT settings when {@code auth.jwt.issuer} is set; empty otherwise. */
  Optional<JwtSettings> jwt() {
    String issuer = read("auth.jwt.issuer", Config::getString).trim();
    String jwksUrl = read("auth.jwt.jwks-url", Config::getString).trim();
    String audience = read("auth.jwt.audience", Config::getString).trim();
    String algorithms = read("auth.jwt.algorithms", Config::getString);
    Duration skew = read("auth.jwt.clock-skew", Config::getDuration);
    String userClaim = claimName("auth.jwt.user-claim");
    String tenantClaim = claimName("auth.jwt.tenant-claim");
    String rolesClaim = claimName("auth.jwt.roles-claim");
    Config mapping = read(ROLE_MAPPING, Config::getConfig);
    if (issuer.isEmpty()) {
      if (!jwksUrl.isEmpty() || !audience.isEmpty()) {
        throw new InvalidSettingException(
            ROOT + "auth.jwt.issuer",
            "is needed for the JWT settings given (jwks-url, audience): it turns JWT on");
      }
      return Optional.empty();
    }
    if (audience.isEmpty()) {
      throw new InvalidSettingException(
          ROOT + "auth.jwt.audience", "is required when JWT is on (CASEFLOW_JWT_AUDIENCE)");
    }
    if (skew.isNegative()) {
      throw new InvalidSettingException(
          ROOT + "auth.jwt.clock-skew", "must not be negative, was " + skew);
    }
    Map<String, String> roles = new LinkedHashMap<>();
    for (var entry : mapping.entrySet()) {
      roles.put(
          ConfigUtil.splitPath(entry.getKey()).get(0),
          String.valueOf(entry.getValue().unwrapped()));
    }
    return Optional.of(
        new JwtSettings(
            httpUri("auth.jwt.issuer", issuer),
            jwksUrl.isEmpty()
                ? Optional.empty()
                : Optional.of(httpUri("auth.jwt.jwks-url", jwksUrl)),
            audience,
            jwsAlgorithms("auth.jwt.algorithms", algorithms),
            skew,
            userClaim,
            tenantClaim,
            rolesClaim,
            roles));
  }

  private String claimName(String path) {
    return nonBlank(path, "must name a claim");
  }

  String nonBlank(String path) {
    return nonBlank(path, "must not be empty");
  }

  private String nonBlank(String path, String requirement) {
    String value = read(path, Config::getString).trim();
    if (value.isEmpty()) {
      throw new InvalidSettingException(ROOT + path, requirement);
    }
    return value;
  }

  /** An absolute http(s) URL, or empty when the setting is. */
  /** A file system path; empty for none. */
  Optional<java.nio.file.Path> optionalPath(String path) {
    String value = read(path, Config::getString).strip();
    return value.isEmpty() ? Optional.empty() : Optional.of(java.nio.file.Path.of(value));
  }

  Optional<java.net.URI> optionalHttpUri(String path) {
    String value = read(path, Config::getString).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(httpUri(path, value));
  }

  private static java.net.URI httpUri(String path, String value) {
    try {
      java.net.URI uri = new java.net.URI(value);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw new InvalidSettingException(
        ROOT + path, "must be an absolute http(s) URL, was '" + value + "'");
  }

  /** Asymmetric JWS algorithms only: {@code none} and HMAC would let anyone mint tokens. */
  private static List<String> jwsAlgorithms(String path, String value) {
    List<String> algorithms = new ArrayList<>();
    for (String name : value.split(",")) {
      String algorithm = name.trim();
      if (!JwtSettings.ALLOWED_ALGORITHMS.contains(algorithm)) {
        throw new InvalidSettingException(
            ROOT + path,
            "may list only "
                + new TreeSet<>(JwtSettings.ALLOWED_ALGORITHMS)
                + " (never none or HMAC), was '"
                + algorithm
                + "'");
      }
      algorithms.add(algorithm);
    }
    return List.copyOf(algorithms);
  }

  /** Comma-separated web origins ({@code https://app.example.com}); empty: none. */
  List<String> origins(String path) {
    List<String> origins = new ArrayList<>();
    for (String origin : read(path, Config::getString).split(",")) {
      String trimmed = origin.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!isOrigin(trimmed)) {
        throw new InvalidSettingException(
            ROOT + path,
            "must list origins such as https://app.example.com (scheme, host and port only;"
                + " no wildcard), was "
                + trimmed);
      }
      origins.add(trimmed);
    }
    return List.copyOf(origins);
  }

  private static boolean isOrigin(String origin) {
    try {
      URI uri = new URI(origin);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawUserInfo() == null
          && uri.getRawPath().isEmpty()
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  String jdbcUrl(String path) {
    String url = read(path, Config::getString).trim();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new InvalidSettingException(
          ROOT + path, "must be a PostgreSQL JDBC URL (jdbc:postgresql://…) or empty, was " + url);
    }
    return url;
  }

  Map<String, Principal> principals() {
    Config principals = read(PRINCIPALS, Config::getConfig);
    Map<String, Principal> byUser = new LinkedHashMap<>();
    for (String user : new TreeSet<>(principals.root().keySet())) {
      String path = ROOT + PRINCIPALS + "." + user;
      Function<String, InvalidSettingException> invalid =
          problem -> new InvalidSettingException(path, problem);
      try {
        Config principal = principals.getConfig("\"" + user + "\"");
        if (!Set.of("tenant", "roles").containsAll(principal.root().keySet())) {
          throw invalid.apply("may only set tenant and roles");
        }
        byUser.put(
            user,
            new Principal(
                user, principal.getString("tenant"), Set.copyOf(principal.getStringList("roles"))));
      } catch (ConfigException e) {
        throw invalid.apply("is invalid: " + e.getMessage());
      }
    }
    return byUser;
  }

  /**
   * An earlier name of a setting, still accepted: the packaged configuration reads its value into
   * the setting's present name, so it is known and not itself read.
   */
  void formerName(String path) {
    read.add(path);
  }

  void rejectUnknown() {
    for (var entry : config.getConfig("caseflow").entrySet()) {
      String path = entry.getKey();
      if (!read.contains(path)
          && !path.startsWith(PRINCIPALS + ".")
          && !path.startsWith(ROLE_MAPPING + ".")) {
        throw new InvalidSettingException(ROOT + path, "is unknown");
      }
    }
  }
}
