package io.caseflow.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version this build of Caseflow is ({@code pom.xml}'s, written into {@code
 * io/caseflow/build.properties} by the build). A node joins its cluster with it as Pekko's {@code
 * app-version}, so that during a rolling upgrade shards move to the nodes of the newer version as
 * they join, instead of back and forth.
 */
public final class BuildVersion {

  private static final String RESOURCE = "/io/caseflow/build.properties";

  private BuildVersion() {}

  /** For example {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
  public static String current() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: build Caseflow with Maven");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "");
      if (version.isBlank() || version.contains("${")) {
        throw new IllegalStateException(
            RESOURCE + " holds no version (" + version + "): build Caseflow with Maven");
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
