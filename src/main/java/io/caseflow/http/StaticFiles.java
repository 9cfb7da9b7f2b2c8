package io.caseflow.http;

import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A directory of the classpath served under a path, without a token: {@code /name} redirects to
 * {@code /name/} (so the page's relative links resolve), which serves {@code index.html}. Only
 * plain file names of web assets are served: no subdirectory, no dot file, nothing else of the
 * classpath.
 */
final class StaticFiles extends AllDirectives {

  private static final Pattern ASSET =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*\\.(?:css|js|png|svg|html|map)");

  Route directory(String name, String classpathDirectory, Route overrides) {
    String base = classpathDirectory.endsWith("/") ? classpathDirectory : classpathDirectory + "/";
    return pathPrefix(
        name,
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                redirect(
                                    Uri.create("/" + name + "/"), StatusCodes.PERMANENT_REDIRECT))),
                pathSingleSlash(() -> get(() -> getFromResource(base + "index.html"))),
                overrides,
                path(
                    PathMatchers.segment(ASSET), file -> get(() -> getFromResource(base + file)))));
  }
}
