package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;

/**
 * {@code reference.conf} turns off Pekko's refusal of mixed module versions because pekko-discovery
 * is older than the rest. Pekko's own check must find that module and no other, so the setting
 * hides nothing else; once it finds none, the setting can go.
 */
class MixedVersionsTest {

  private static final Pattern GROUP = Pattern.compile("\\(([^,]+), \\[([^]]*)]\\)");

  @Test
  void pekkoDiscoveryIsTheOnlyModuleOnAnotherVersion() {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () ->
                ActorSystem.create(
                        "mixed-versions",
                        ConfigFactory.parseString(
                                "pekko.fail-mixed-versions = on\n"
                                    + "pekko.actor.provider = local\n"
                                    + "pekko.loglevel = OFF")
                            .withFallback(ConfigFactory.defaultReference()))
                    .terminate(),
            "no module is mixed any more: drop pekko.fail-mixed-versions = off from"
                + " src/main/resources/reference.conf");
    Matcher groups = GROUP.matcher(refused.getMessage());
    List<String> modulesNotOnPekkosVersion = new java.util.ArrayList<>();
    String pekkoVersion = org.apache.pekko.Version.current();
    while (groups.find()) {
      if (!groups.group(1).equals(pekkoVersion)) {
        modulesNotOnPekkosVersion.add(groups.group(2));
      }
    }
    assertEquals(List.of("pekko-discovery"), modulesNotOnPekkosVersion, refused::getMessage);
  }
}
