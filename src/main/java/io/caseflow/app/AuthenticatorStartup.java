package io.caseflow.app;

import io.caseflow.http.Authenticator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which bearer tokens a node accepts, and what it warns about them at start-up. */
final class AuthenticatorStartup {

  private static final Logger log = LoggerFactory.getLogger(AuthenticatorStartup.class);

  private AuthenticatorStartup() {}

  /** Signed JWTs first, when an issuer is set; then the demo tokens, where they are accepted. */
  static Authenticator authenticator(CaseflowSettings settings, Executor jwtVerifying) {
    List<Authenticator> authenticators = new ArrayList<>();
    settings
        .auth()
        .jwt()
        .ifPresent(
            jwt -> {
              log.info(
                  "JWT bearer tokens of issuer {} for audience {} are accepted",
                  jwt.issuer(),
                  jwt.audience());
              authenticators.add(Authenticator.jwt(jwt, jwtVerifying));
            });
    if (settings.demoTokensAccepted()) {
      log.warn("Demo tokens are on (caseflow.auth.demo-tokens): for trying Caseflow out only");
      if (!isLoopback(settings.httpInterface())) {
        log.warn(
            "DEMO TOKENS ARE ON WHILE THE API LISTENS ON {}: anyone who can reach it can act as"
                + " any demo user, admins included. Set CASEFLOW_DEMO_TOKENS=false or"
                + " CASEFLOW_HTTP_INTERFACE=127.0.0.1",
            settings.httpInterface());
      }
      authenticators.add(Authenticator.demoTokens(settings.auth().demoPrincipals()));
    }
    if (authenticators.isEmpty()) {
      log.warn(
          "Demo tokens are off (caseflow.auth.demo-tokens = {}{}) and no JWT issuer is set"
              + " (CASEFLOW_JWT_ISSUER): every request is refused",
          settings.auth().demoTokens().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          settings.db().isEmbedded() ? "" : ", and a database URL is set");
    }
    return Authenticator.firstOf(authenticators);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
