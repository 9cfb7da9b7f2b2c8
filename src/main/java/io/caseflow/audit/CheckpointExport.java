package io.caseflow.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.caseflow.audit.AuditVerifier.Signed;
import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.cases.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The append-only directory checkpoints are exported to, outside the database: one file per
 * checkpoint ({@code checkpoint-0000000042.json}, the checkpoint and its heads, canonical JSON),
 * created and never rewritten, and the public key of each signing key ({@code public-key-<key
 * id>.pem}). Put it where the database's administrators cannot rewrite it: another host's mount, a
 * WORM bucket's sync, an auditor's share.
 */
public final class CheckpointExport {

  private static final Pattern FILE = Pattern.compile("checkpoint-(\\d{10})\\.json");
  private static final ObjectMapper JSON =
      JsonMapper.builder().addModule(new JavaTimeModule()).build();

  private final Path directory;

  public CheckpointExport(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /** The highest checkpoint number exported, if any. */
  public OptionalLong latest() {
    if (!Files.isDirectory(directory)) {
      return OptionalLong.empty();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(file -> FILE.matcher(file.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToLong(match -> Long.parseLong(match.group(1)))
          .max();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the checkpoint's file, unless it is there already with the same content.
   *
   * @throws IllegalStateException when a file of that number holds another checkpoint: the export
   *     is append-only, and a differing file means one of the two was not made by this chain
   */
  public void write(Signed signed, String publicKeyPem, String keyId) {
    try {
      Files.createDirectories(directory);
      writeOnce(directory.resolve("public-key-" + keyId + ".pem"), publicKeyPem);
      writeOnce(fileOf(signed.checkpoint().number()), CanonicalJson.toJson(content(signed)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export to " + directory, e);
    }
  }

  /** The exported checkpoint of this number, if the export holds it. */
  public Optional<Checkpoint> numbered(long number) {
    Path file = fileOf(number);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          JSON.treeToValue(JSON.readTree(file.toFile()).get("checkpoint"), Checkpoint.class));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** Every exported checkpoint, in number order. */
  public static List<Signed> read(Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(directory)) {
      files =
          listed
              .filter(file -> FILE.matcher(file.getFileName().toString()).matches())
              .sorted()
              .toList();
    }
    List<Signed> checkpoints = new ArrayList<>();
    for (Path file : files) {
      JsonNode content = JSON.readTree(file.toFile());
      Checkpoint checkpoint = JSON.treeToValue(content.get("checkpoint"), Checkpoint.class);
      List<Head> heads = new ArrayList<>();
      for (JsonNode head : content.get("heads")) {
        heads.add(JSON.treeToValue(head, Head.class));
      }
      checkpoints.add(new Signed(checkpoint, List.copyOf(heads)));
    }
    return checkpoints;
  }

  /** Every public key exported alongside ({@code public-key-*.pem}). */
  public static List<PublicKey> publicKeys(Path directory) throws IOException {
    try (Stream<Path> listed = Files.list(directory)) {
      List<PublicKey> keys = new ArrayList<>();
      for (Path file :
          listed
              .filter(file -> file.getFileName().toString().matches("public-key-.*\\.pem"))
              .sorted()
              .toList()) {
        keys.add(SigningKey.readPublicKey(Files.readString(file, StandardCharsets.US_ASCII)));
      }
      return keys;
    }
  }

  private Path fileOf(long number) {
    return directory.resolve(String.format("checkpoint-%010d.json", number));
  }

  private static Map<String, Object> content(Signed signed) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("checkpoint", signed.checkpoint());
    content.put("heads", signed.heads());
    return content;
  }

  private static void writeOnce(Path file, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try {
      Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException exists) {
      if (!java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
        throw new IllegalStateException(
            file
                + " exists with other content: the export is append-only, so one of the two is"
                + " not this chain's");
      }
    }
  }
}
