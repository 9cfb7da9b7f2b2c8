package io.caseflow.http;

/**
 * How much one client may ask: requests per second (also the burst) for each principal and each
 * tenant, commands and queries apart; refused or missing tokens per source address; and how many
 * live streams a principal and a node may hold open. {@code enabled = false} turns it all off.
 */
public record RateLimitSettings(
    boolean enabled,
    long principalCommands,
    long principalQueries,
    long tenantCommands,
    long tenantQueries,
    long unauthenticated,
    int streamsPerPrincipal,
    int streamsPerNode) {}
