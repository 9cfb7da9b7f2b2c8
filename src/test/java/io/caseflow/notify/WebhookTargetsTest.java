package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Webhook targets that would reach inside the network are refused; public ones are not. */
class WebhookTargetsTest {

  /** A resolver the test controls: names it knows, and literal addresses. */
  private final Map<String, String> dns = new ConcurrentHashMap<>();

  private final WebhookTargets.Resolver resolver =
      host -> {
        String address = dns.get(host);
        if (address == null && !host.matches("[0-9.]+|.*:.*")) {
          throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address == null ? host : address)};
      };

  @Test
  void refusesEveryAddressThatIsNotPublic() {
    dns.put("localhost", "127.0.0.1");
    dns.put("db.internal", "10.1.2.3");
    WebhookTargets targets = new WebhookTargets(true, List.of(), resolver);
    for (String url :
        List.of(
            "http://127.0.0.1/hook",
            "http://localhost:7626/alive",
            "http://[::1]/hook",
            "http://0.0.0.0/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/hook",
            "http://172.16.5.4/hook",
            "http://192.168.1.1/hook",
            "http://100.64.0.1/hook",
            "http://224.0.0.1/hook",
            "http://[fd00::1]/hook",
            "http://[fe80::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://2130706433/hook",
            "http://0177.0.0.1/hook",
            "http://0x7f000001/hook",
            "http://db.internal:5432/",
            "http://unknown.example/hook")) {
      assertTrue(targets.refusal(url).isPresent(), url + " must be refused");
    }
  }

  @Test
  void acceptsPublicAddressesAndListedPrivateTargets() {
    dns.put("hooks.example.com", "93.184.216.34");
    dns.put("hooks.internal", "10.8.1.2");
    dns.put("localhost", "127.0.0.1");
    WebhookTargets targets =
        new WebhookTargets(true, List.of("hooks.internal", "127.0.0.0/8"), resolver);
    assertEquals(Optional.empty(), targets.refusal("https://hooks.example.com/caseflow"));
    assertEquals(Optional.empty(), targets.refusal("http://hooks.internal/caseflow"));
    assertEquals(Optional.empty(), targets.refusal("http://localhost:8081/hook"));
    assertTrue(targets.refusal("http://10.8.1.3/hook").isPresent(), "only the listed host");
  }

  @Test
  void plainHttpOnlyWhenAllowed() {
    dns.put("hooks.example.com", "93.184.216.34");
    WebhookTargets httpsOnly = new WebhookTargets(false, List.of(), resolver);
    assertEquals(
        Optional.of("must be an https URL"), httpsOnly.refusal("http://hooks.example.com/x"));
    assertEquals(Optional.empty(), httpsOnly.refusal("https://hooks.example.com/x"));
  }

  /** The check at delivery is made on the address the connection is then opened to. */
  @Test
  void aTargetThatTurnsPrivateAfterRegistrationIsRefusedAtConnect() throws Exception {
    dns.put("hooks.example.com", "93.184.216.34");
    WebhookTargets targets = new WebhookTargets(false, List.of(), resolver);
    assertEquals(Optional.empty(), targets.refusal("https://hooks.example.com/x"));
    assertEquals(
        InetAddress.getByName("93.184.216.34"),
        targets.address("hooks.example.com", 443).getAddress());

    dns.put("hooks.example.com", "169.254.169.254");
    WebhookTargets.Refused refused =
        assertThrows(WebhookTargets.Refused.class, () -> targets.address("hooks.example.com", 443));
    assertTrue(refused.getMessage().contains("169.254.169.254"), refused::getMessage);
  }
}
