package io.caseflow.http;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a request was about, for its metrics, its span and the refusal log: the route template it
 * matched ({@code /cases/{caseId}/actions/{action}}) and the case and action it named. The
 * templates are the paths of the API's OpenAPI document, and the console's and Swagger UI's files;
 * a path that matches none is {@link #UNMATCHED}. So no path a client makes up becomes a label
 * value or a row of its own: the number of routes is the document's.
 */
record RequestTarget(String route, String caseId, String action) {

  static final String UNMATCHED = "unmatched";

  /** Files under these are one route each, however deep. */
  private static final List<String> PAGES = List.of("docs", "console");

  private static final List<Template> TEMPLATES = templates();

  /** A path template, split into segments; {@code {name}} segments match any one segment. */
  private record Template(String route, List<String> segments, long literals) {

    static Template of(String route) {
      List<String> segments = List.of(route.substring(1).split("/", -1));
      return new Template(
          route, segments, segments.stream().filter(segment -> !isVariable(segment)).count());
    }

    /** The variables' values, or empty when the path does not fit. */
    Optional<Map<String, String>> match(List<String> path) {
      if (path.size() != segments.size()) {
        return Optional.empty();
      }
      Map<String, String> variables = new HashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        if (isVariable(segment)) {
          if (path.get(i).isEmpty()) {
            return Optional.empty();
          }
          variables.put(segment.substring(1, segment.length() - 1), path.get(i));
        } else if (!segment.equals(path.get(i))) {
          return Optional.empty();
        }
      }
      return Optional.of(variables);
    }

    private static boolean isVariable(String segment) {
      return segment.startsWith("{") && segment.endsWith("}");
    }
  }

  static RequestTarget of(String path) {
    if (!path.startsWith("/")) {
      return new RequestTarget(UNMATCHED, null, null);
    }
    List<String> segments = List.of(path.substring(1).split("/", -1));
    if (segments.size() > 1 && PAGES.contains(segments.get(0))) {
      return new RequestTarget("/" + segments.get(0) + "/{file}", null, null);
    }
    // a literal segment wins over a variable in its place: /webhooks/dead-letters
    for (Template template : TEMPLATES) {
      Optional<Map<String, String>> variables = template.match(segments);
      if (variables.isPresent()) {
        return new RequestTarget(
            template.route(), variables.get().get("caseId"), variables.get().get("action"));
      }
    }
    return new RequestTarget(UNMATCHED, null, null);
  }

  /** The document's paths and the pages, those with more literal segments first. */
  private static List<Template> templates() {
    List<Template> templates = new ArrayList<>();
    try (InputStream yaml =
        RequestTarget.class.getClassLoader().getResourceAsStream(PageRoutes.DOCUMENT)) {
      if (yaml == null) {
        throw new IOException(PageRoutes.DOCUMENT + " is not on the classpath");
      }
      new YAMLMapper()
          .readTree(yaml)
          .get("paths")
          .fieldNames()
          .forEachRemaining(route -> templates.add(Template.of(route)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the API's routes from " + PageRoutes.DOCUMENT, e);
    }
    PAGES.forEach(page -> templates.add(Template.of("/" + page)));
    templates.sort(Comparator.comparingLong(Template::literals).reversed());
    return List.copyOf(templates);
  }
}
