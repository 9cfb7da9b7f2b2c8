package io.caseflow.app;

import io.caseflow.cases.PersonalData;
import io.caseflow.notify.SecretBox;
import io.caseflow.notify.WebhookDelivery;
import io.caseflow.notify.WebhookOutbox;
import io.caseflow.notify.WebhookSecrets;
import io.caseflow.notify.WebhookTargets;
import io.caseflow.notify.Webhooks;
import io.caseflow.observe.Metrics;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Webhooks at start-up: their secret key, the check of stored secrets, and the delivery job. */
final class WebhookStartup {

  private static final Logger log = LoggerFactory.getLogger(WebhookStartup.class);

  private WebhookStartup() {}

  /**
   * The read side turns events into deliveries as it records them (see {@link WebhookOutbox}); one
   * node sends them.
   */
  static Webhooks start(
      ActorSystem<Void> system,
      CaseflowSettings settings,
      Storage storage,
      Clock clock,
      Optional<SecretBox> secretKey,
      PersonalData.Opener personalData) {
    WebhookTargets targets = WebhookTargets.of(settings.webhooks());
    WebhookSecrets secrets = new WebhookSecrets(secretKey);
    Webhooks webhooks = new Webhooks(storage.dataSource(), targets, secrets, clock);
    checkWebhookSecrets(webhooks);
    WebhookDelivery delivery =
        new WebhookDelivery(
            system,
            storage.dataSource(),
            settings.webhooks(),
            targets,
            secrets,
            clock,
            Metrics.get(system).registry(),
            personalData);
    ClusterJob.init(
        system, "webhook-delivery", delivery::runOnce, settings.webhooks().pollInterval());
    return webhooks;
  }

  /**
   * The service's secret key (CASEFLOW_SECRET_KEY): it encrypts webhook secrets and wraps the data
   * keys of personal data. On the embedded default without one, the data directory's own.
   */
  static Optional<SecretBox> secretKey(CaseflowSettings settings) {
    if (settings.secretKey().isPresent() || !settings.db().isEmbedded()) {
      return settings.secretKey();
    }
    return Optional.of(EmbeddedSecretKey.loadOrCreate(settings.dataDir()));
  }

  /**
   * Encrypts the secrets stored in clear text before encryption, when there is a key, and says
   * loudly what cannot work: no key (no new webhooks, and deliveries of encrypted secrets wait) or
   * secrets this key cannot read (encrypted with another).
   */
  private static void checkWebhookSecrets(Webhooks webhooks) {
    if (webhooks.canStoreSecrets()) {
      int encrypted = webhooks.encryptPlainSecrets();
      if (encrypted > 0) {
        log.info("Encrypted {} webhook secrets stored in clear text", encrypted);
      }
    } else {
      log.warn(
          "NO WEBHOOK SECRET KEY (CASEFLOW_SECRET_KEY) with a database URL set: creating webhooks"
              + " and rotating their secrets is refused (503 secret_key_missing), {} secrets stay"
              + " in clear text, and deliveries whose secret is encrypted wait until the key is"
              + " set. Set CASEFLOW_SECRET_KEY to the base64 of 32 random bytes (openssl rand"
              + " -base64 32), the same on every node",
          webhooks.plainSecretCount());
    }
    List<String> unreadable = webhooks.unreadableSecrets();
    if (!unreadable.isEmpty()) {
      log.warn(
          "{} webhook subscriptions have secrets that cannot be read, so their deliveries wait,"
              + " pending (is CASEFLOW_SECRET_KEY the key they were encrypted with?): {}",
          unreadable.size(),
          unreadable.subList(0, Math.min(unreadable.size(), 10)));
    }
  }
}
