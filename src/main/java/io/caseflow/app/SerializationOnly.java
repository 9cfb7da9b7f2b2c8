package io.caseflow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;

/**
 * A local Pekko with nothing but the service's serialization settings (serializers, bindings and
 * Jackson migrations): what reading the journal's events takes where no node runs, in the offline
 * verifier and before a node's own actor system exists. Terminate it when done.
 */
public final class SerializationOnly {

  private SerializationOnly() {}

  /** {@code service}: a configuration holding the service's {@code pekko.*} settings. */
  static ActorSystem start(String name, Config service) {
    return ActorSystem.create(
        name,
        ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                    + "pekko.stdout-loglevel = OFF")
            .withFallback(settings(service))
            .withFallback(ConfigFactory.defaultReference()));
  }

  /**
   * The serialization settings of {@code service}: what any actor system that reads or writes
   * Caseflow's messages needs (a test kit's too).
   */
  public static Config settings(Config service) {
    return service
        .withOnlyPath("pekko.actor.serializers")
        .withFallback(service.withOnlyPath("pekko.actor.serialization-bindings"))
        .withFallback(service.withOnlyPath("pekko.actor.allow-java-serialization"))
        .withFallback(service.withOnlyPath("pekko.serialization.jackson.allowed-class-prefix"))
        .withFallback(service.withOnlyPath("pekko.serialization.jackson.migrations"));
  }
}
