package io.caseflow.readside;

import java.time.Duration;

/**
 * How the read side runs: how many projection instances (slices), how it groups events into
 * transactions, how it checks itself against the journal, and what it does with poison events.
 */
public record ReadSideSettings(
    int slices,
    int poolSize,
    int groupSize,
    Duration groupWindow,
    Duration reconcileInterval,
    Duration reconcileGrace,
    int poisonAttempts,
    boolean skipPoisonEvents) {}
