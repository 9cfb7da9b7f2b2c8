package io.caseflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir Path dir;

  @AfterEach
  void forgetTheFile() {
    System.clearProperty("config.file");
    ConfigFactory.invalidateCaches();
  }

  @Test
  void aDeploymentsConfigFileChangesWhatItSaysAndKeepsEveryOtherDefault() throws Exception {
    Path file = dir.resolve("caseflow.conf");
    Files.writeString(
        file,
        "caseflow.auth.jwt.role-mapping { \"caseflow-reviewer\" = reviewer }\n"
            + "caseflow.http.port = 9090\n");
    System.setProperty("config.file", file.toString());
    ConfigFactory.invalidateCaches();

    Config config = Main.configuration();

    assertEquals(9090, config.getInt("caseflow.http.port"));
    assertEquals(
        "reviewer", config.getString("caseflow.auth.jwt.role-mapping.\"caseflow-reviewer\""));
    assertEquals("jdbc-journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals(
        ConfigFactory.parseResources("application.conf")
            .resolve()
            .getInt("caseflow.read-side.slices"),
        config.getInt("caseflow.read-side.slices"));
  }

  @Test
  void withoutAFileThePackagedDefaultsApply() {
    assertEquals(
        ConfigFactory.parseResources("application.conf").resolve().getInt("caseflow.http.port"),
        Main.configuration().getInt("caseflow.http.port"));
  }
}
