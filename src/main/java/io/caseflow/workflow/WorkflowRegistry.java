package io.caseflow.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every deployed version of every workflow. New cases open on the latest version of a workflow; an
 * existing case looks up the exact version it was opened with.
 */
public final class WorkflowRegistry {

  private static final String CLASSPATH_FOLDER = "workflows";

  private final Map<String, NavigableMap<Integer, Workflow>> byName;
  private final List<WorkflowSource> sources;

  private WorkflowRegistry(
      Map<String, NavigableMap<Integer, Workflow>> byName, List<WorkflowSource> sources) {
    this.byName = byName;
    this.sources = sources;
  }

  /** Definitions built in code: they have no source, so {@link #sources()} is empty. */
  public static WorkflowRegistry of(List<Workflow> workflows) {
    return of(workflows, List.of());
  }

  private static WorkflowRegistry ofParsed(List<WorkflowParser.Parsed> parsed) {
    return of(
        parsed.stream().map(WorkflowParser.Parsed::workflow).toList(),
        parsed.stream().map(WorkflowParser.Parsed::source).toList());
  }

  private static WorkflowRegistry of(List<Workflow> workflows, List<WorkflowSource> sources) {
    Map<String, NavigableMap<Integer, Workflow>> byName = new TreeMap<>();
    for (Workflow workflow : workflows) {
      Workflow previous =
          byName
              .computeIfAbsent(workflow.name(), name -> new TreeMap<>())
              .put(workflow.version(), workflow);
      if (previous != null) {
        throw new WorkflowDefinitionException(
            "'" + workflow.name() + "'",
            List.of("version " + workflow.version() + " is declared more than once"));
      }
    }
    checkMigrations(byName);
    return new WorkflowRegistry(Collections.unmodifiableMap(byName), List.copyOf(sources));
  }

  /** A migration declared by {@code target}, from {@code source}, a version that is deployed. */
  private record DeployedMigration(Workflow target, Migration migration, Workflow source) {

    String name() {
      return target.name() + " v" + target.version();
    }
  }

  private static List<DeployedMigration> deployedMigrations(
      Map<String, NavigableMap<Integer, Workflow>> byName) {
    List<DeployedMigration> deployed = new ArrayList<>();
    for (NavigableMap<Integer, Workflow> versions : byName.values()) {
      for (Workflow workflow : versions.values()) {
        for (Migration migration : workflow.migrations()) {
          Workflow source = versions.get(migration.fromVersion());
          if (source != null) {
            deployed.add(new DeployedMigration(workflow, migration, source));
          }
        }
      }
    }
    return deployed;
  }

  /** A migration's mapped states must be states of the version it comes from, when deployed. */
  private static void checkMigrations(Map<String, NavigableMap<Integer, Workflow>> byName) {
    List<String> problems = new ArrayList<>();
    for (DeployedMigration deployed : deployedMigrations(byName)) {
      Workflow source = deployed.source();
      deployed.migration().states().keySet().stream()
          .filter(state -> !source.states().contains(state))
          .forEach(
              state ->
                  problems.add(
                      deployed.name()
                          + ": migration from v"
                          + source.version()
                          + " maps '"
                          + state
                          + "', which is no state of v"
                          + source.version()));
    }
    if (!problems.isEmpty()) {
      throw new WorkflowDefinitionException("(migrations)", problems);
    }
  }

  /**
   * What the declared migrations leave behind: the states of a deployed older version that a
   * migration maps nowhere (cases there cannot move). Reported at start-up and by {@code validate},
   * not refused.
   */
  public List<String> migrationGaps() {
    List<String> gaps = new ArrayList<>();
    for (DeployedMigration deployed : deployedMigrations(byName)) {
      List<String> unmapped =
          deployed.source().states().stream()
              .filter(state -> deployed.migration().target(state).isEmpty())
              .toList();
      if (!unmapped.isEmpty()) {
        gaps.add(
            deployed.name()
                + ": cases of v"
                + deployed.source().version()
                + " in "
                + unmapped
                + " have no state to move to");
      }
    }
    return gaps;
  }

  /** Loads every {@code *.conf} file of a directory. */
  public static WorkflowRegistry fromDirectory(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new WorkflowDefinitionException(
          directory.toString(), List.of("is not a directory of workflow definitions"));
    }
    return ofParsed(parseAll(directory));
  }

  /** Loads the definitions packaged with the service (the project's {@code conf/workflows}). */
  public static WorkflowRegistry fromClasspath() {
    URL folder = WorkflowRegistry.class.getClassLoader().getResource(CLASSPATH_FOLDER);
    if (folder == null) {
      throw new WorkflowDefinitionException(
          "classpath:" + CLASSPATH_FOLDER, List.of("no packaged workflow definitions found"));
    }
    try {
      URI uri = folder.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return fromDirectory(Path.of(uri));
      }
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        return ofParsed(parseAll(jar.getPath(CLASSPATH_FOLDER)));
      } catch (FileSystemAlreadyExistsException e) {
        return ofParsed(parseAll(FileSystems.getFileSystem(uri).getPath(CLASSPATH_FOLDER)));
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("Cannot read packaged workflows at " + folder, e);
    }
  }

  /** One definition from text; {@code source} names it in problems. */
  public static WorkflowRegistry fromString(String source, String definition) {
    return ofParsed(List.of(WorkflowParser.parse(source, definition)));
  }

  /** Every file is read, so that a broken directory is reported with all its problems at once. */
  private static List<WorkflowParser.Parsed> parseAll(Path directory) {
    List<WorkflowParser.Parsed> workflows = new ArrayList<>();
    List<WorkflowDefinitionException> problems = new ArrayList<>();
    Map<String, Path> sources = new HashMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
        WorkflowParser.Parsed parsed;
        try {
          parsed =
              WorkflowParser.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (WorkflowDefinitionException invalid) {
          problems.add(invalid);
          continue;
        }
        Workflow workflow = parsed.workflow();
        Path other = sources.putIfAbsent(workflow.name() + " v" + workflow.version(), file);
        if (other != null) {
          problems.add(
              new WorkflowDefinitionException(
                  file.toString(),
                  List.of(
                      "declares '"
                          + workflow.name()
                          + "' version "
                          + workflow.version()
                          + ", which "
                          + other
                          + " declares already")));
        }
        workflows.add(parsed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read workflow definitions in " + directory, e);
    }
    if (workflows.isEmpty() && problems.isEmpty()) {
      throw new WorkflowDefinitionException(
          directory.toString(), List.of("holds no workflow definition (*.conf)"));
    }
    if (!problems.isEmpty()) {
      throw WorkflowDefinitionException.of(problems);
    }
    return workflows;
  }

  public Optional<Workflow> latest(String name) {
    return Optional.ofNullable(byName.get(name)).map(versions -> versions.lastEntry().getValue());
  }

  public Optional<Workflow> version(String name, int version) {
    return Optional.ofNullable(byName.get(name)).map(versions -> versions.get(version));
  }

  /**
   * Where each version was read from, with the hash of what its definition means, by name then
   * version; none for definitions built in code ({@link #of}).
   */
  public List<WorkflowSource> sources() {
    return sources.stream()
        .sorted(
            Comparator.comparing(WorkflowSource::workflow)
                .thenComparingInt(WorkflowSource::version))
        .toList();
  }

  /** Every version of every workflow, by name then version. */
  public List<Workflow> all() {
    return byName.values().stream()
        .flatMap(versions -> versions.values().stream())
        .sorted(Comparator.comparing(Workflow::name).thenComparingInt(Workflow::version))
        .toList();
  }
}
