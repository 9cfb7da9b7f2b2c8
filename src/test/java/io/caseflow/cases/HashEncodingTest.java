package io.caseflow.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The hash encodings are frozen: fixed events, their canonical bytes and their hashes. The version
 * 1 vectors are what the service computed before encodings had versions (taken from that build), so
 * every chain written then still verifies. A change to an encoding fails here.
 */
class HashEncodingTest {

  static final Instant AT = Instant.parse("2026-01-02T03:04:05.123456Z");
  static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  static CaseOpened opened(int version) {
    return new CaseOpened(
        "c-1",
        "acme",
        "alice",
        AT,
        1,
        "due-diligence",
        1,
        "ACME-LTD-0042",
        "Acme Ltd onboarding",
        "draft",
        Map.of("riskLevel", "high", "amount", 1200.5),
        new RequestKey("key-1", "f00d"),
        HashChain.GENESIS,
        version,
        null,
        TRACE);
  }

  @Test
  void version1IsTheEncodingOfBefore() {
    assertVector(
        HashEncoding.V1,
        opened(1),
        "{\"actor\":\"alice\",\"at\":\"2026-01-02T03:04:05.123456Z\",\"caseId\":\"c-1\","
            + "\"data\":{\"amount\":1200.5,\"riskLevel\":\"high\"},\"prevHash\":\""
            + HashChain.GENESIS
            + "\",\"requestKey\":{\"fingerprint\":\"f00d\",\"key\":\"key-1\"},\"seq\":1,"
            + "\"state\":\"draft\",\"subject\":\"ACME-LTD-0042\",\"tenant\":\"acme\","
            + "\"title\":\"Acme Ltd onboarding\",\"type\":\"CaseOpened\","
            + "\"workflow\":\"due-diligence\",\"workflowVersion\":1}",
        "4248ba27bb7c5bd6fc6614872fd494160e495e373c1c6cc15473891aeb379cf7");
    assertVector(
        HashEncoding.V1,
        new ActionPerformed(
            "c-1",
            "acme",
            "bob",
            AT.plusSeconds(60),
            2,
            "approve",
            "in_review",
            "approved",
            "All checks passed",
            Map.of("ownershipVerified", true),
            null,
            "4248ba27bb7c5bd6fc6614872fd494160e495e373c1c6cc15473891aeb379cf7",
            1,
            null,
            null),
        "{\"action\":\"approve\",\"actor\":\"bob\",\"at\":\"2026-01-02T03:05:05.123456Z\","
            + "\"caseId\":\"c-1\",\"comment\":\"All checks passed\","
            + "\"data\":{\"ownershipVerified\":true},\"from\":\"in_review\",\"prevHash\":"
            + "\"4248ba27bb7c5bd6fc6614872fd494160e495e373c1c6cc15473891aeb379cf7\","
            + "\"requestKey\":null,\"seq\":2,\"tenant\":\"acme\",\"to\":\"approved\","
            + "\"type\":\"ActionPerformed\"}",
        "397c7bc3bfb9e3717a97fb96948bfd9076b388a6a4a4d8cbf93dcf03615ccac5");
    assertVector(
        HashEncoding.V1,
        new AssigneeChanged(
            "c-1",
            "acme",
            "carol",
            AT.plusSeconds(120),
            3,
            null,
            null,
            "a".repeat(64),
            1,
            null,
            null),
        "{\"actor\":\"carol\",\"assignee\":null,\"at\":\"2026-01-02T03:06:05.123456Z\","
            + "\"caseId\":\"c-1\",\"prevHash\":\""
            + "a".repeat(64)
            + "\",\"requestKey\":null,\"seq\":3,\"tenant\":\"acme\",\"type\":\"AssigneeChanged\"}",
        "9ab6c4db38dd457f953302cd684d75601b9a59c2d7129626d30b73a1e8790be2");
    assertVector(
        HashEncoding.V1,
        new CommentAdded(
            "c-1",
            "acme",
            "bob",
            AT.plusSeconds(180),
            4,
            "Filed with the register extract",
            null,
            "b".repeat(64),
            1,
            null,
            null),
        "{\"actor\":\"bob\",\"at\":\"2026-01-02T03:07:05.123456Z\",\"caseId\":\"c-1\","
            + "\"prevHash\":\""
            + "b".repeat(64)
            + "\",\"requestKey\":null,\"seq\":4,\"tenant\":\"acme\","
            + "\"text\":\"Filed with the register extract\",\"type\":\"CommentAdded\"}",
        "df1d1a146b1d62727647096dbef84395072409396cf7bc537b6148050e5f4af6");
    assertVector(
        HashEncoding.V1,
        new MergeStepRecorded(
            "c-1",
            "acme",
            "bob",
            AT.plusSeconds(240),
            5,
            "saga-1",
            "merge_started",
            "c-2",
            "in_review",
            "merging",
            null,
            null,
            "c".repeat(64),
            1,
            null,
            null),
        "{\"action\":\"merge_started\",\"actor\":\"bob\",\"at\":\"2026-01-02T03:08:05.123456Z\","
            + "\"caseId\":\"c-1\",\"comment\":null,\"from\":\"in_review\",\"otherCaseId\":\"c-2\","
            + "\"prevHash\":\""
            + "c".repeat(64)
            + "\",\"requestKey\":null,\"sagaId\":\"saga-1\",\"seq\":5,\"tenant\":\"acme\","
            + "\"to\":\"merging\",\"type\":\"MergeStepRecorded\"}",
        "3b031a10c6cb86635864b5c0747f7b04ebbb15e13f90f69d42862152432089de");
  }

  @Test
  void version2LeavesOutNullsAndNamesTheTypeAsClientsDo() {
    assertVector(
        HashEncoding.V2,
        opened(2),
        "{\"actor\":\"alice\",\"at\":\"2026-01-02T03:04:05.123456Z\",\"caseId\":\"c-1\","
            + "\"data\":{\"amount\":1200.5,\"riskLevel\":\"high\"},\"hashVersion\":2,"
            + "\"prevHash\":\""
            + HashChain.GENESIS
            + "\",\"requestKey\":{\"fingerprint\":\"f00d\",\"key\":\"key-1\"},\"seq\":1,"
            + "\"state\":\"draft\",\"subject\":\"ACME-LTD-0042\",\"tenant\":\"acme\","
            + "\"title\":\"Acme Ltd onboarding\",\"type\":\"case_opened\","
            + "\"workflow\":\"due-diligence\",\"workflowVersion\":1}",
        "1f7f1f9626db455241bf1e39dfebdc7f61a591e9f48b4ac352030021b755fa07");
    assertVector(
        HashEncoding.V2,
        new ActionPerformed(
            "c-1",
            "acme",
            "bob",
            AT.plusSeconds(60),
            2,
            "approve",
            "in_review",
            "approved",
            null,
            Map.of("ownershipVerified", true),
            null,
            "d".repeat(64),
            2,
            null,
            null),
        "{\"action\":\"approve\",\"actor\":\"bob\",\"at\":\"2026-01-02T03:05:05.123456Z\","
            + "\"caseId\":\"c-1\",\"data\":{\"ownershipVerified\":true},\"from\":\"in_review\","
            + "\"hashVersion\":2,\"prevHash\":\""
            + "d".repeat(64)
            + "\",\"seq\":2,\"tenant\":\"acme\",\"to\":\"approved\",\"type\":\"action_performed\"}",
        "d3e6601f590250475b007326ce744b7ddc9a9cc6b965f2c3493eae2c0267a75f");
  }

  @Test
  void newEventsAreHashedWithTheCurrentEncoding() {
    CaseOpened sealed = HashChain.seal(opened(HashEncoding.CURRENT.version()));
    assertEquals(2, sealed.hashVersion());
    assertEquals("1f7f1f9626db455241bf1e39dfebdc7f61a591e9f48b4ac352030021b755fa07", sealed.hash());
  }

  @Test
  void theTraceIsMetadataOutsideEveryEncoding() {
    CaseOpened traced = opened(2);
    CaseOpened untraced =
        new CaseOpened(
            "c-1",
            "acme",
            "alice",
            AT,
            1,
            "due-diligence",
            1,
            "ACME-LTD-0042",
            "Acme Ltd onboarding",
            "draft",
            Map.of("riskLevel", "high", "amount", 1200.5),
            new RequestKey("key-1", "f00d"),
            HashChain.GENESIS,
            2,
            null,
            null);
    assertEquals(HashChain.hashOf(traced), HashChain.hashOf(untraced));
  }

  @Test
  void aChangedFieldOrAChangedVersionBreaksTheChain() {
    CaseOpened sealed = HashChain.seal(opened(2));
    CaseOpened renamed =
        new CaseOpened(
            "c-1",
            "acme",
            "alice",
            AT,
            1,
            "due-diligence",
            1,
            "SOMEONE-ELSE",
            "Acme Ltd onboarding",
            "draft",
            Map.of("riskLevel", "high", "amount", 1200.5),
            new RequestKey("key-1", "f00d"),
            HashChain.GENESIS,
            2,
            sealed.hash(),
            TRACE);
    assertEquals(OptionalLong.of(1), HashChain.firstBrokenSeq(List.of(renamed)));

    CaseOpened downgraded =
        new CaseOpened(
            "c-1",
            "acme",
            "alice",
            AT,
            1,
            "due-diligence",
            1,
            "ACME-LTD-0042",
            "Acme Ltd onboarding",
            "draft",
            Map.of("riskLevel", "high", "amount", 1200.5),
            new RequestKey("key-1", "f00d"),
            HashChain.GENESIS,
            1,
            sealed.hash(),
            TRACE);
    assertEquals(
        OptionalLong.of(1),
        HashChain.firstBrokenSeq(List.of(downgraded)),
        "the version is part of what is verified: naming another one breaks the chain");
  }

  @Test
  void anEncodingThisBuildDoesNotKnowCannotVerify() {
    assertThrows(IllegalArgumentException.class, () -> HashEncoding.of(3));
    CaseOpened sealed = HashChain.seal(opened(2));
    CaseOpened unknown =
        new CaseOpened(
            sealed.caseId(),
            sealed.tenant(),
            sealed.actor(),
            sealed.at(),
            sealed.seq(),
            sealed.workflow(),
            sealed.workflowVersion(),
            sealed.subject(),
            sealed.title(),
            sealed.state(),
            sealed.data(),
            sealed.requestKey(),
            sealed.prevHash(),
            3,
            sealed.hash(),
            null);
    assertEquals(OptionalLong.of(1), HashChain.firstBrokenSeq(List.of(unknown)));
  }

  private static void assertVector(
      HashEncoding encoding, CaseEvent event, String canonical, String hash) {
    assertEquals(canonical, encoding.canonical(event));
    assertEquals(hash, encoding.hash(event));
    assertEquals(hash, HashChain.hashOf(event), "the event names its encoding");
    assertNotEquals(
        hash,
        HashEncoding.of(3 - encoding.version()).hash(event),
        "the other encoding hashes differently");
  }
}
