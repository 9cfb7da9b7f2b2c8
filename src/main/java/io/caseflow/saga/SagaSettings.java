package io.caseflow.saga;

import java.time.Duration;

/**
 * @param stepTimeout how long a saga waits for a case to answer one step before trying again
 * @param recoveryInterval how often one node looks for unfinished sagas to wake (after a crash)
 * @param stuckAfter an unfinished saga that has not moved for this long is listed as stuck
 * @param haltAfter a fault-injection point for tests ({@link FaultInjection}); empty in service
 */
public record SagaSettings(
    Duration stepTimeout, Duration recoveryInterval, Duration stuckAfter, String haltAfter) {}
