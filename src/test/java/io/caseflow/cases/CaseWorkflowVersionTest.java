package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static io.caseflow.testing.TestWorkflows.ONBOARDING;
import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.observe.Tracing;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.workflow.WorkflowRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A case keeps following the workflow version it was opened with. */
@ExtendWith(TestKitJUnit5Extension.class)
class CaseWorkflowVersionTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(CasePersistFailureTest.CONFIG).build();

  @TempDir Path deployed;

  @Test
  void caseOpenedOnOldVersionKeepsFollowingIt() throws IOException {
    String v1 = Files.readString(TestWorkflows.DIRECTORY.resolve("onboarding.conf"));
    Files.writeString(deployed.resolve("onboarding.conf"), v1);
    ActorRef<CaseCommand> beforeUpgrade = spawn("c-old", WorkflowRegistry.fromDirectory(deployed));
    assertEquals(1, accepted(ask(beforeUpgrade, this::open)).workflowVersion());
    testKit.stop(beforeUpgrade);

    // Version 2 renames 'submit' to 'send'.
    Files.writeString(
        deployed.resolve("onboarding-v2.conf"),
        v1.replace("version = 1", "version = 2").replace("submit", "send"));
    WorkflowRegistry upgraded = WorkflowRegistry.fromDirectory(deployed);
    ActorRef<CaseCommand> oldCase = spawn("c-old", upgraded);
    ActorRef<CaseCommand> newCase = spawn("c-new", upgraded);

    assertEquals(ErrorCode.UNKNOWN_ACTION, ((Rejected) ask(oldCase, action("send"))).code());
    CaseView submitted = accepted(ask(oldCase, action("submit")));
    assertEquals(1, submitted.workflowVersion());
    assertEquals("in_review", submitted.state());

    assertEquals(2, accepted(ask(newCase, this::open)).workflowVersion());
    assertEquals("in_review", accepted(ask(newCase, action("send"))).state());
  }

  private ActorRef<CaseCommand> spawn(String id, WorkflowRegistry workflows) {
    return testKit.spawn(
        CaseEntity.create(
            new CaseId("acme", id),
            workflows,
            Clock.systemUTC(),
            new CaseTags(1),
            new CommandMetrics(new SimpleMeterRegistry(), workflows),
            Tracing.off().tracer()));
  }

  private CaseReply ask(
      ActorRef<CaseCommand> kase,
      java.util.function.Function<ActorRef<CaseReply>, CaseCommand> command) {
    TestProbe<CaseReply> caller = testKit.createTestProbe();
    kase.tell(command.apply(caller.getRef()));
    return caller.receiveMessage();
  }

  private OpenCase open(ActorRef<CaseReply> replyTo) {
    return by(ALICE).withData(Map.of("riskLevel", "low")).replyingTo(replyTo).open(ONBOARDING, "S");
  }

  private static java.util.function.Function<ActorRef<CaseReply>, CaseCommand> action(String name) {
    return replyTo -> by(ALICE).replyingTo(replyTo).perform(name);
  }

  private static CaseView accepted(CaseReply reply) {
    return ((Accepted) reply).view();
  }
}
