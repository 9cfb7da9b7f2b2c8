package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.typesafe.config.ConfigFactory;
import io.caseflow.JsonSerializable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden samples of the wire form: every message Caseflow persists or sends between nodes, as each
 * release wrote it, committed under {@code src/test/resources/wire-samples/<release>/}. Today's
 * code, with the service's own serialization settings (its bindings and Jackson migrations), must
 * read every sample of every release: a renamed or moved type, or a field a sample lacks that
 * today's form fills, fails here until a migration reads the older form. The samples of the version
 * being built must be today's form exactly, so a change of the wire form is a decision, written
 * down by {@code mvn test -Dtest=WireSamplesTest -Dwire.samples.write=true}.
 */
class WireSamplesTest {

  static final Path SAMPLES = Path.of("src", "test", "resources", "wire-samples");

  private static final ObjectMapper FILES =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

  private static ActorSystem system;
  private static Serialization serialization;
  private static List<WireSamples.Sample> today;

  /** A sample as a release serialized it: enough for Pekko to read it back. */
  record Stored(int serializerId, String manifest, JsonNode payload) {}

  @BeforeAll
  static void startSerialization() throws IOException {
    // The actor references in the samples are this system's dead letters: a fixed name keeps
    // their serialized form the same on every run.
    system = SerializationOnly.start("caseflow", ConfigFactory.parseResources("application.conf"));
    serialization = SerializationExtension.get(system);
    today = WireSamples.all(Adapter.toTyped(system.deadLetters()));
    if (Boolean.getBoolean("wire.samples.write")) {
      write(SAMPLES.resolve(thisRelease()), todaysForms());
    }
  }

  private static Map<String, Stored> todaysForms() {
    Map<String, Stored> forms = new java.util.TreeMap<>();
    today.forEach(sample -> forms.put(sample.name(), serialize(sample.message())));
    return forms;
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /**
   * Public types only: the others are messages an actor sends itself (a page read, a page
   * answered), which never leave their node.
   */
  @Test
  void everyMessageThatCrossesTheWireHasASample() {
    Set<String> sampled =
        today.stream()
            .map(sample -> sample.message().getClass().getName())
            .collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>();
    for (JavaClass type :
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("io.caseflow")) {
      if (type.isAssignableTo(JsonSerializable.class)
          && !type.isInterface()
          && type.getModifiers().contains(JavaModifier.PUBLIC)
          && !type.getModifiers().contains(JavaModifier.ABSTRACT)
          && !sampled.contains(type.getName())) {
        missing.add(type.getName());
      }
    }
    assertEquals(Set.of(), missing, "types serialized without a sample in WireSamples");
  }

  @Test
  void theSamplesOfThisVersionAreTodaysWireForm() throws IOException {
    Path release = SAMPLES.resolve(thisRelease());
    Map<String, Stored> written = todaysForms();
    Map<String, Stored> committed = read(release);
    assertEquals(
        new TreeSet<>(written.keySet()),
        new TreeSet<>(committed.keySet()),
        "the samples of "
            + release
            + " are not those of WireSamples; if the wire form changed on purpose, write them"
            + " with -Dwire.samples.write=true");
    written.forEach(
        (name, form) ->
            assertEquals(
                form,
                committed.get(name),
                name
                    + " is serialized otherwise than "
                    + release
                    + " has it; if that is meant, write the samples again with"
                    + " -Dwire.samples.write=true (and keep a migration for the earlier"
                    + " releases' form)"));
  }

  @Test
  void everySampleOfEveryReleaseReadsWithTodaysCode() throws IOException {
    Map<Class<?>, WireSamples.Sample> todayByType =
        today.stream()
            .collect(Collectors.toMap(sample -> sample.message().getClass(), Function.identity()));
    List<String> releases = releases();
    assertTrue(
        releases.contains(thisRelease()), "no samples of " + thisRelease() + " in " + SAMPLES);
    List<String> problems = new ArrayList<>();
    for (String release : releases) {
      read(SAMPLES.resolve(release))
          .forEach(
              (name, stored) -> {
                String where = release + "/" + name;
                Object message;
                try {
                  message = deserialize(stored);
                } catch (RuntimeException e) {
                  problems.add(where + ": cannot be read: " + e);
                  return;
                }
                WireSamples.Sample now = todayByType.get(message.getClass());
                if (now == null) {
                  problems.add(where + ": reads as " + message.getClass() + ", sampled no more");
                  return;
                }
                if (release.equals(thisRelease()) && !now.message().equals(message)) {
                  problems.add(where + ": reads as " + message + ", not " + now.message());
                }
                unfilled(serialize(now.message()).payload(), serialize(message).payload(), "")
                    .forEach(
                        field ->
                            problems.add(
                                where
                                    + ": "
                                    + field
                                    + " is filled today but not when this sample is read: a"
                                    + " migration must fill it"));
              });
    }
    assertEquals(List.of(), problems);
  }

  /** The check itself says no: a field today's form fills, missing from an older sample. */
  @Test
  void aFieldAnOlderSampleLacksIsFound() {
    ObjectNode todays = FILES.createObjectNode();
    todays.put("caseId", "c-1").putObject("request").put("tenant", "acme").put("title", "T");
    ObjectNode older = todays.deepCopy();
    ((ObjectNode) older.get("request")).putNull("title");
    older.remove("caseId");
    assertEquals(List.of("/caseId", "/request/title"), unfilled(todays, older, ""));
    assertEquals(List.of(), unfilled(todays, todays.deepCopy(), ""));
  }

  /** The paths {@code today} holds a value at and {@code read} does not (objects, then arrays). */
  static List<String> unfilled(JsonNode today, JsonNode read, String at) {
    List<String> paths = new ArrayList<>();
    if (today == null || today.isNull()) {
      return paths;
    }
    if (read == null || read.isNull() || read.isMissingNode()) {
      paths.add(at);
      return paths;
    }
    if (today.isObject()) {
      today
          .fields()
          .forEachRemaining(
              field ->
                  paths.addAll(
                      unfilled(
                          field.getValue(), read.get(field.getKey()), at + "/" + field.getKey())));
    } else if (today.isArray() && !today.isEmpty()) {
      paths.addAll(unfilled(today.get(0), read.isEmpty() ? null : read.get(0), at + "/0"));
    }
    return paths;
  }

  /** The release the version being built will be: 0.2.0 while it is 0.2.0-SNAPSHOT. */
  static String thisRelease() {
    return BuildVersion.current().replaceFirst("-SNAPSHOT$", "");
  }

  private static List<String> releases() throws IOException {
    try (Stream<Path> dirs = Files.list(SAMPLES)) {
      return dirs.filter(Files::isDirectory)
          .map(dir -> dir.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  private static Stored serialize(Object message) {
    Serializer serializer = serialization.findSerializerFor(message);
    String manifest = Serializers.manifestFor(serializer, message);
    try {
      // Serialization.serialize, not the serializer itself: actor references need its context.
      return new Stored(
          serializer.identifier(),
          manifest,
          FILES.readTree(serialization.serialize(message).get()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object deserialize(Stored stored) {
    try {
      return serialization
          .deserialize(
              FILES
                  .writer()
                  .without(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsBytes(stored.payload()),
              stored.serializerId(),
              stored.manifest())
          .get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Stored> read(Path release) throws IOException {
    Map<String, Stored> stored = new java.util.TreeMap<>();
    if (!Files.isDirectory(release)) {
      return stored;
    }
    try (Stream<Path> files = Files.list(release)) {
      for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        stored.put(name, FILES.readValue(file.toFile(), Stored.class));
      }
    }
    return stored;
  }

  /** This release's samples, and no others: a type sampled no more leaves no stale file. */
  private static void write(Path release, Map<String, Stored> samples) throws IOException {
    Files.createDirectories(release);
    try (Stream<Path> files = Files.list(release)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    for (Map.Entry<String, Stored> sample : samples.entrySet()) {
      Files.writeString(
          release.resolve(sample.getKey() + ".json"),
          FILES.writeValueAsString(sample.getValue()) + "\n",
          StandardCharsets.UTF_8);
    }
  }
}
