-- Deadlines (io.caseflow.readside.DueTimers): one row per deadline running on a case, kept by the
-- case projection in the transaction that applies the event starting it (a case entering a state
-- that has a deadline, or its due date being set), and replaced when the case moves on. One node
-- fires the due ones (DeadlineFiring) and marks them settled.
CREATE TABLE due_timers (
    tenant VARCHAR(64) NOT NULL,
    case_id VARCHAR(64) NOT NULL,
    -- the deadline's key: state:<state>:<action>, or due
    deadline VARCHAR(200) NOT NULL,
    -- the event that started it: the case entering the state, or its due date being set
    started_seq BIGINT NOT NULL,
    due_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    slice INTEGER NOT NULL,
    -- fired, or found not to apply any more
    settled BOOLEAN NOT NULL,
    PRIMARY KEY (tenant, case_id, deadline)
);
CREATE INDEX due_timers_due ON due_timers (settled, due_at);

-- Since when a case is in its state (the event that moved it there): where its deadlines start.
-- Cases from before deadlines existed take their last update.
ALTER TABLE cases ADD COLUMN state_seq BIGINT;
ALTER TABLE cases ADD COLUMN state_since TIMESTAMP(6) WITH TIME ZONE;
UPDATE cases SET state_seq = version, state_since = updated_at;

-- Who last took each action on a case (action -> user, JSON): the four-eyes rule of the work inbox.
-- Cases from before keep none until the read side is rebuilt.
ALTER TABLE cases ADD COLUMN performers TEXT;
