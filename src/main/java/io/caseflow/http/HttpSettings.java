package io.caseflow.http;

import java.time.Duration;

/** How the HTTP API listens and what it accepts. */
public record HttpSettings(
    String host, int port, long maxBodySize, int maxJsonDepth, Duration askTimeout) {}
