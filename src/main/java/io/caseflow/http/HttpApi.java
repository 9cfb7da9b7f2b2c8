package io.caseflow.http;

import com.typesafe.config.ConfigFactory;
import io.caseflow.audit.Audit;
import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.CaseHistory;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.http.RefusalRecording.Requester;
import io.caseflow.notify.CaseEventStreams;
import io.caseflow.notify.Webhooks;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.Inbox;
import io.caseflow.readside.ReadSideAdmin;
import io.caseflow.refusals.RefusalRecorder;
import io.caseflow.refusals.Refusals;
import io.caseflow.saga.Sagas;
import io.caseflow.workflow.WorkflowRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.cors.javadsl.CorsDirectives;
import org.apache.pekko.http.cors.javadsl.CorsRejection;
import org.apache.pekko.http.cors.javadsl.settings.CorsSettings;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP API: health without a token, everything else behind a bearer token, and every
 * failure (bad input, unknown path, wrong method, crash) answered as a problem document.
 */
public final class HttpApi extends AllDirectives {

  private static final String BEARER = "Bearer ";

  /**
   * On every answer, errors included: browsers take no other content type than the one declared,
   * and nothing in between caches case data.
   */
  private static final List<HttpHeader> ANSWER_HEADERS =
      List.of(
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Cache-Control", "no-store"));

  private final Authenticator authenticator;
  private final Optional<CorsSettings> cors;
  private final RateLimits limits;
  private final WorkflowRegistry workflows;
  private final ReadinessCheck readiness;
  private final Json json;
  private final Problems problems;
  private final CaseRoutes cases;
  private final QueryRoutes queries;
  private final AdminRoutes admin;
  private final EventRoutes events;
  private final WebhookRoutes webhooks;
  private final SagaRoutes sagas;
  private final AuditRoutes audit;
  private final RefusalRecording refusals;
  private final RequestMetrics requestMetrics;
  private final RequestTracing requestTracing;
  private final PageRoutes pages = new PageRoutes();

  /** What the API serves from; {@code blocking} runs JDBC work off the HTTP threads. */
  public record Services(
      ClusterSharding sharding,
      CaseHistory history,
      WorkflowRegistry workflows,
      CaseQueries queries,
      Inbox inbox,
      ReadSideAdmin readSide,
      ReadinessCheck readiness,
      CaseEventStreams eventStreams,
      Webhooks webhooks,
      Sagas sagas,
      RefusalRecorder refusalRecorder,
      Refusals refusals,
      Clock clock,
      Executor blocking,
      Supplier<String> newCaseId,
      MeterRegistry metrics,
      Tracer tracer,
      Audit audit,
      SubjectKeys personalData) {}

  public HttpApi(HttpSettings settings, Authenticator authenticator, Services services) {
    this.authenticator = authenticator;
    this.cors = corsSettings(settings.corsOrigins());
    this.limits = new RateLimits(settings.rateLimits());
    this.workflows = services.workflows();
    this.readiness = services.readiness();
    this.json = new Json(settings.maxJsonDepth());
    this.problems = new Problems(json);
    RouteSupport.Context context =
        new RouteSupport.Context(
            json, problems, services.blocking(), settings.maxBodySize(), services.personalData());
    this.audit =
        new AuditRoutes(settings.roles(), services.audit(), services.personalData(), context);
    this.cases =
        new CaseRoutes(
            services.sharding(),
            services.sagas(),
            services.history(),
            services.audit(),
            new PersonalSealing(services.workflows(), services.personalData()),
            services.workflows(),
            settings.askTimeout(),
            settings.readTimeout(),
            services.newCaseId(),
            context);
    this.queries =
        new QueryRoutes(
            services.queries(),
            services.inbox(),
            services.personalData(),
            services.refusals(),
            settings.roles(),
            settings.consistencyTimeout(),
            context);
    this.admin =
        new AdminRoutes(
            settings.roles().operator(),
            services.readSide(),
            services.sagas(),
            audit,
            new BulkRoutes(
                settings.roles().admin(),
                services.sagas(),
                services.queries(),
                services.workflows(),
                context),
            context);
    this.sagas = new SagaRoutes(settings.roles().admin(), services.sagas(), context);
    this.events =
        new EventRoutes(
            services.eventStreams(),
            services.history(),
            new EventRoutes.EventStreamSettings(
                settings.eventStreamHeartbeat(), settings.eventStreamStallTimeout()),
            limits,
            services.metrics(),
            context);
    this.refusals =
        new RefusalRecording(services.refusalRecorder(), services.clock(), services.metrics());
    this.requestMetrics = new RequestMetrics(services.metrics());
    this.requestTracing = new RequestTracing(services.tracer());
    this.webhooks = new WebhookRoutes(settings.roles().admin(), services.webhooks(), context);
  }

  /**
   * Every answer, errors included, carries the {@link #ANSWER_HEADERS}. CORS headers are sent only
   * for the configured origins, so browsers keep every other origin from reading answers. Each
   * answer is counted by its route, and traced. A request still unanswered when the server's own
   * {@code pekko.http.server.request-timeout} runs out is answered {@code 503 unavailable}, as a
   * problem.
   */
  public Route route() {
    Route api = routes();
    Route withCors =
        cors.isEmpty()
            ? api
            : handleRejections(
                corsRejectionHandler(), () -> CorsDirectives.cors(cors.get(), () -> api));
    HttpResponse timedOut =
        withAnswerHeaders(
            problems.of(
                ErrorCode.UNAVAILABLE, Map.of("reason", "the request took too long to answer")));
    return requestTracing.traced(
        () ->
            requestMetrics.measured(
                () ->
                    respondWithDefaultHeaders(
                        ANSWER_HEADERS,
                        () -> withRequestTimeoutResponse(request -> timedOut, () -> withCors))));
  }

  /** {@code response} with the headers every answer carries. */
  static HttpResponse withAnswerHeaders(HttpResponse response) {
    return response.addHeaders(ANSWER_HEADERS);
  }

  /**
   * Pages of the configured origins may call the API with a bearer token (never cookies: no
   * credentials mode) and read the headers clients need; preflights are answered before any token
   * is looked at, since browsers send none with them.
   */
  private static Optional<CorsSettings> corsSettings(List<String> origins) {
    if (origins.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> cors = new HashMap<>();
    cors.put("allowed-origins", origins);
    cors.put("allowed-methods", List.of("GET", "HEAD", "POST", "DELETE", "OPTIONS"));
    cors.put(
        "allowed-headers",
        List.of(
            "Authorization",
            "Content-Type",
            "If-Match",
            "Idempotency-Key",
            "Last-Event-ID",
            ConsistencyToken.HEADER));
    cors.put(
        "exposed-headers",
        List.of(
            "ETag",
            "Location",
            "Retry-After",
            "WWW-Authenticate",
            "Idempotent-Replayed",
            ConsistencyToken.HEADER));
    cors.put("allow-credentials", false);
    cors.put("allow-generic-http-requests", true);
    cors.put("max-age", "10 minutes");
    return Optional.of(
        CorsSettings.create(
            ConfigFactory.parseMap(Map.of("pekko.http.cors", cors))
                .withFallback(ConfigFactory.defaultReference())));
  }

  private RejectionHandler corsRejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(
            CorsRejection.class,
            rejection ->
                optionalHeaderValueByName(
                    "Origin",
                    origin ->
                        complete(
                            problems.of(
                                ErrorCode.ORIGIN_NOT_ALLOWED,
                                Map.of("origin", origin.orElse(""))))))
        .build();
  }

  /**
   * Built once: the Java DSL calls a directive's inner supplier on every request, so whatever is
   * built inside one (handlers, their ready-made answers) is built again for each request.
   */
  private Route routes() {
    Route api =
        concat(
            pathPrefix("health", this::health),
            pages.routes(),
            audit.publicKey(),
            authenticated(
                principal ->
                    concat(
                        events.routes(principal),
                        queries.routes(principal),
                        sagas.routes(principal),
                        cases.routes(principal),
                        webhooks.routes(principal),
                        admin.routes(principal),
                        audit.routes(principal),
                        path("workflows", () -> get(this::workflows)),
                        path("me", () -> get(() -> me(principal))))));
    return new ProblemHandling(problems).answering(api);
  }

  private Route health() {
    return concat(
        path("alive", () -> get(() -> complete(json.response(Map.of("status", "alive"))))),
        path(
            "ready",
            () -> get(() -> completeWithFuture(readiness.check().thenApply(this::ready)))));
  }

  private HttpResponse ready(ReadinessCheck.Readiness readiness) {
    boolean ready = readiness.checks().values().stream().allMatch(ok -> ok);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not_ready");
    body.put("checks", readiness.checks());
    body.putAll(readiness.details());
    HttpResponse response = json.response(body);
    return ready
        ? response
        : response
            .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
            .addHeader(RawHeader.create("Retry-After", "1"));
  }

  /** Who the token says the caller is: the console shows it and offers the actions it allows. */
  private Route me(Principal principal) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", principal.userId());
    body.put("tenant", principal.tenant());
    body.put("roles", principal.roles().stream().sorted().toList());
    return complete(json.response(body));
  }

  private Route workflows() {
    return complete(json.response(workflows.all().stream().map(WorkflowView::of).toList()));
  }

  /**
   * Only the Authorization header counts: tokens in URLs end up in logs and are refused. A source
   * address whose refused tokens used up its budget is answered 429 before its token is looked at;
   * an authenticated principal spends its own and its tenant's budget, commands and queries apart.
   * Every refused answer from here on is written to the refusal log.
   */
  private Route authenticated(Function<Principal, Route> inner) {
    return extractRequest(
        request -> {
          String address =
              request
                  .getAttribute(AttributeKeys.remoteAddress)
                  .flatMap(RemoteAddress::getAddress)
                  .map(InetAddress::getHostAddress)
                  .orElse("unknown");
          Optional<RateLimits.Limited> blocked = limits.unauthenticatedBlocked(address);
          if (blocked.isPresent()) {
            return refusals.recording(
                request,
                Requester.unverified(Optional.empty(), address),
                () -> complete(problems.rateLimited(blocked.get())));
          }
          Optional<String> token =
              request
                  .getHeader("Authorization")
                  .map(HttpHeader::value)
                  .filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                  .map(value -> value.substring(BEARER.length()).trim());
          CompletableFuture<Optional<Principal>> principal =
              token
                  .map(bearer -> authenticatedWithin(RequestTracing.of(request), bearer))
                  .orElse(CompletableFuture.completedFuture(Optional.empty()))
                  .toCompletableFuture();
          if (principal.isDone() && !principal.isCompletedExceptionally()) {
            return authenticatedAs(principal.join(), token, request, address, inner);
          }
          return onSuccess(
              principal, verified -> authenticatedAs(verified, token, request, address, inner));
        });
  }

  /** Checks the token with the request's span current, so what the check logs names the trace. */
  private CompletionStage<Optional<Principal>> authenticatedWithin(Span span, String token) {
    try (Scope current = span.makeCurrent()) {
      return authenticator.authenticateAsync(token);
    }
  }

  private Route authenticatedAs(
      Optional<Principal> principal,
      Optional<String> token,
      HttpRequest request,
      String address,
      Function<Principal, Route> inner) {
    if (principal.isEmpty()) {
      limits.unauthenticated(address);
      return refusals.recording(
          request,
          Requester.unverified(token.flatMap(authenticator::unverifiedClaims), address),
          () -> complete(unauthenticated(token.isPresent())));
    }
    boolean query =
        request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD);
    return refusals.recording(
        request,
        Requester.of(principal.get(), address),
        () ->
            limits
                .request(principal.get(), query)
                .map(limited -> complete(problems.rateLimited(limited)))
                .orElseGet(() -> inner.apply(principal.get())));
  }

  private HttpResponse unauthenticated(boolean tokenSent) {
    return problems
        .of(ErrorCode.UNAUTHENTICATED, Map.of())
        .addHeader(
            RawHeader.create(
                "WWW-Authenticate",
                // RFC 6750: an error code only when a token was sent
                tokenSent ? "Bearer error=\"invalid_token\"" : "Bearer"));
  }
}
