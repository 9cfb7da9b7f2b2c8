package io.caseflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonMigration;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Caseflow's messages as JSON, each with the manifest {@link WireTypes} gives its type ({@code
 * case.event.opened#2}) instead of its class name. The JSON is Pekko's Jackson form, made by the
 * object mapper of Pekko's {@code jackson-json} binding (its modules and features); older shapes
 * are upgraded, and newer ones a migration supports read, by the same rules as Pekko's Jackson
 * serializer. Payloads are never compressed: the journal stays readable.
 */
public final class WireSerializer extends SerializerWithStringManifest {

  /** Stored beside every payload in the journal and snapshot tables: never change it. */
  public static final int IDENTIFIER = 7031;

  private final ObjectMapper mapper;

  public WireSerializer(ExtendedActorSystem system) {
    this.mapper =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object message) {
    return wireTypeOf(message).manifest();
  }

  @Override
  public byte[] toBinary(Object message) {
    wireTypeOf(message);
    try {
      return mapper.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + message.getClass().getName(), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    WireTypes.WireType wire =
        WireTypes.named(manifest)
            .orElseThrow(
                () ->
                    new NotSerializableException(
                        "no type has the wire name of manifest [" + manifest + "]"));
    int version = versionOf(manifest);
    Optional<JacksonMigration> migration =
        wire.migration().filter(declared -> version != declared.currentVersion());
    if (migration.isPresent() && version > migration.get().supportedForwardVersion()) {
      throw new NotSerializableException(
          "manifest ["
              + manifest
              + "] is of a newer shape than this release reads (up to "
              + migration.get().supportedForwardVersion()
              + ")");
    }
    try {
      if (migration.isEmpty()) {
        return mapper.readValue(bytes, wire.type());
      }
      JsonNode upgraded = migration.get().transform(version, mapper.readTree(bytes));
      return mapper.treeToValue(upgraded, wire.type());
    } catch (IOException e) {
      NotSerializableException unreadable =
          new NotSerializableException(
              "cannot read manifest [" + manifest + "]: " + e.getMessage());
      unreadable.initCause(e);
      throw unreadable;
    }
  }

  private static WireTypes.WireType wireTypeOf(Object message) {
    return WireTypes.of(message.getClass())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    message.getClass().getName() + " has no wire name in WireTypes"));
  }

  /** {@code name#N} is shape N; a manifest without a version is shape 1. */
  private static int versionOf(String manifest) throws NotSerializableException {
    int hash = manifest.lastIndexOf('#');
    if (hash < 0) {
      return 1;
    }
    try {
      return Integer.parseInt(manifest.substring(hash + 1));
    } catch (NumberFormatException e) {
      throw new NotSerializableException("manifest [" + manifest + "] has no version number");
    }
  }
}
