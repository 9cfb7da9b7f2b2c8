package io.caseflow.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * An embedded PostgreSQL for trying a cluster by hand ({@code bin/cluster}): starts it, creates a
 * database, writes {@code CASEFLOW_DB_*} lines for a shell to source into the given file, and keeps
 * running until the process is stopped, when the server is stopped with it.
 */
public final class StandalonePostgres {

  private StandalonePostgres() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: StandalonePostgres <file to write the connection settings to>");
      System.exit(2);
    }
    TestPostgres.Database database = TestPostgres.newDatabase();
    Path settings = Path.of(args[0]);
    Path written = settings.resolveSibling(settings.getFileName() + ".tmp");
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(database.environment())
        .forEach((name, value) -> lines.append(name).append("='").append(value).append("'\n"));
    Files.writeString(written, lines.toString(), StandardCharsets.UTF_8);
    Files.move(written, settings);
    System.out.println("PostgreSQL ready: " + database.url());
    Thread.currentThread().join();
  }
}
