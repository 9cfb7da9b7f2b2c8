package io.caseflow.notify;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEventPublisher;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One cluster-wide pub-sub topic per tenant, carrying that tenant's case events after they are
 * persisted. Delivery is at most once: live subscribers use it for immediacy, never for
 * completeness (the journal is the record).
 */
public final class CaseEventTopics implements CaseEventPublisher {

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<Topic.Command<CaseEvent>>> topics =
      new ConcurrentHashMap<>();

  public CaseEventTopics(ActorSystem<?> system) {
    this.system = system;
  }

  public static String topicName(String tenant) {
    return "case-events-" + tenant;
  }

  public ActorRef<Topic.Command<CaseEvent>> topicFor(String tenant) {
    return topics.computeIfAbsent(
        tenant,
        t ->
            system.systemActorOf(
                Topic.create(CaseEvent.class, topicName(t)), topicName(t), Props.empty()));
  }

  @Override
  public void publish(CaseEvent event) {
    topicFor(event.tenant()).tell(Topic.publish(event));
  }
}
