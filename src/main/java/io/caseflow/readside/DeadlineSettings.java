package io.caseflow.readside;

import java.time.Duration;

/** How often one node looks for deadlines come due, and how many it fires at once. */
public record DeadlineSettings(Duration pollInterval, int batchSize) {}
