package io.caseflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The pages and the description of the API, without a token: {@code GET /openapi.json}, the OpenAPI
 * 3.1 document (written as {@code openapi.yaml} beside the code, served as JSON); {@code /docs},
 * Swagger UI from its webjar, opened on that document; and {@code /console}, the ops console, a
 * page that calls the API with the token its user signs in with.
 */
final class PageRoutes extends AllDirectives {

  static final String DOCUMENT = "openapi.yaml";
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String WEBJAR_VERSION =
      "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /** Opens Swagger UI on this service's document instead of the webjar's example. */
  private static final String INITIALIZER =
      """
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "/openapi.json",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          layout: "StandaloneLayout"
        });
      };
      """;

  private static final ContentType.NonBinary JAVASCRIPT =
      MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);

  /**
   * The console runs only its own files and talks only to this service: a script injected into a
   * case's data could not load code or send the user's token elsewhere.
   */
  static final String CONSOLE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final byte[] document;
  private final String swaggerUi;

  PageRoutes() {
    this.document = documentAsJson();
    this.swaggerUi = WEBJAR + webjarVersion() + "/";
  }

  private static JsonNode document() {
    try (InputStream yaml = resource(DOCUMENT)) {
      return new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + DOCUMENT, e);
    }
  }

  Route routes() {
    return concat(
        path(
            "openapi.json",
            () ->
                get(() -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, document)))),
        new StaticFiles()
            .directory(
                "docs",
                swaggerUi,
                path(
                    "swagger-initializer.js",
                    () -> get(() -> complete(HttpEntities.create(JAVASCRIPT, INITIALIZER))))),
        respondWithHeader(
            RawHeader.create("Content-Security-Policy", CONSOLE_POLICY),
            () -> new StaticFiles().directory("console", "console", reject())));
  }

  private static byte[] documentAsJson() {
    try {
      return new ObjectMapper().writeValueAsBytes(document());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + DOCUMENT + " as JSON", e);
    }
  }

  private static String webjarVersion() {
    try (InputStream pom = resource(WEBJAR_VERSION)) {
      Properties properties = new Properties();
      properties.load(pom);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + WEBJAR_VERSION, e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream stream = PageRoutes.class.getClassLoader().getResourceAsStream(name);
    if (stream == null) {
      throw new IOException(name + " is not on the classpath");
    }
    return stream;
  }
}
