package io.caseflow.cases;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Journal rows as an earlier release wrote them, before events recorded their hash encoding: {@code
 * src/test/resources/evolution/journal-v1.json}, taken from the embedded database of the release
 * before (case {@code old-1} of due-diligence through open, submit, assign, comment and approve;
 * case {@code old-2}, an insurance claim just opened).
 */
public record JournalFixture(
    String persistenceId,
    long sequenceNumber,
    String writer,
    long writeTimestamp,
    String adapterManifest,
    int serializerId,
    String manifest,
    String payload,
    String tag) {

  public static List<JournalFixture> beforeHashVersions() {
    try (InputStream in = JournalFixture.class.getResourceAsStream("/evolution/journal-v1.json")) {
      return new ObjectMapper().readValue(in, new TypeReference<List<JournalFixture>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] payloadBytes() {
    return payload.getBytes(StandardCharsets.UTF_8);
  }
}
