package io.caseflow.http;

import java.time.Duration;
import java.util.List;

/**
 * How the HTTP API listens, what it accepts, how long a command waits for its case, a read of one
 * case for its entity before reading its journal instead, and a query for the read side to catch up
 * with a consistency token, and how live event streams look for new events, keep idle connections
 * open and give up on clients that stopped reading, and the names of the operator and admin roles;
 * and the web origins whose pages may call the API (CORS; none: no browser page of another origin
 * may read an answer).
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodySize,
    int maxJsonDepth,
    Duration askTimeout,
    Duration readTimeout,
    Duration consistencyTimeout,
    Duration eventStreamPollInterval,
    Duration eventStreamHeartbeat,
    Duration eventStreamStallTimeout,
    AccessRoles roles,
    RateLimitSettings rateLimits,
    List<String> corsOrigins) {}
