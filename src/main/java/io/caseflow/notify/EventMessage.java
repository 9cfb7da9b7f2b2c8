package io.caseflow.notify;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.HistoryEntry;

/**
 * A case event as live streams and webhooks deliver it: the history entry with the case it belongs
 * to and an id that is the same wherever the event is delivered, so receivers deduplicate by it.
 */
public record EventMessage(
    String eventId, String tenant, String caseId, @JsonUnwrapped HistoryEntry event) {

  public static EventMessage of(CaseEvent event) {
    return new EventMessage(eventId(event), event.tenant(), event.caseId(), HistoryEntry.of(event));
  }

  /** {@code tenant:case:seq}: case ids never contain a colon. */
  public static String eventId(CaseEvent event) {
    return event.tenant() + ":" + event.caseId() + ":" + event.seq();
  }

  public String type() {
    return event.type();
  }

  public String json() {
    return CanonicalJson.toJson(this);
  }
}
