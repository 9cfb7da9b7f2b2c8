package io.caseflow.cases;

/**
 * Where a case announces an event once it is durable. The entity calls it only after the journal
 * confirmed the write, never for a failed one.
 */
@FunctionalInterface
public interface CaseEventPublisher {

  void publish(CaseEvent event);
}
