-- Read side: query tables derived from the journal by the case projections. Only the read side
-- writes them (ArchitectureTest). Standard SQL for both H2 and PostgreSQL; what must differ
-- (the projections' own tables, append-only triggers) is in the vendor folders.

-- One row per case: its current state.
CREATE TABLE cases (
    tenant VARCHAR(64) NOT NULL,
    id VARCHAR(64) NOT NULL,
    workflow VARCHAR(64) NOT NULL,
    workflow_version INTEGER NOT NULL,
    subject VARCHAR(200) NOT NULL,
    title VARCHAR(500) NOT NULL,
    state VARCHAR(64) NOT NULL,
    assignee VARCHAR(100),
    version BIGINT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_actor VARCHAR(100) NOT NULL,
    slice INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX cases_by_update ON cases (tenant, updated_at DESC, id DESC);
CREATE INDEX cases_by_state ON cases (tenant, state, updated_at DESC, id DESC);
CREATE INDEX cases_by_workflow ON cases (tenant, workflow, updated_at DESC, id DESC);
CREATE INDEX cases_by_assignee ON cases (tenant, assignee, updated_at DESC, id DESC);
CREATE INDEX cases_by_subject ON cases (tenant, subject, updated_at DESC, id DESC);

-- One row per action performed.
CREATE TABLE case_transitions (
    tenant VARCHAR(64) NOT NULL,
    case_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    action VARCHAR(64) NOT NULL,
    from_state VARCHAR(64) NOT NULL,
    to_state VARCHAR(64) NOT NULL,
    actor VARCHAR(100) NOT NULL,
    at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    comment TEXT,
    PRIMARY KEY (tenant, case_id, seq)
);

-- One row per event of any kind. Append-only: see the vendor migrations for the triggers.
CREATE TABLE audit_log (
    tenant VARCHAR(64) NOT NULL,
    case_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    type VARCHAR(64) NOT NULL,
    actor VARCHAR(100) NOT NULL,
    at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    payload TEXT NOT NULL,
    hash CHAR(64) NOT NULL,
    prev_hash CHAR(64) NOT NULL,
    CONSTRAINT audit_log_event UNIQUE (tenant, case_id, seq)
);

-- Cases per tenant, workflow and state. Each projection instance (slice) owns its own rows,
-- so instances never contend for a counter; totals are sums over slices.
CREATE TABLE state_counts (
    tenant VARCHAR(64) NOT NULL,
    workflow VARCHAR(64) NOT NULL,
    state VARCHAR(64) NOT NULL,
    slice INTEGER NOT NULL,
    cases BIGINT NOT NULL,
    PRIMARY KEY (tenant, workflow, state, slice)
);

-- Events the read side could not apply after repeated attempts (poison events).
CREATE TABLE read_side_dead_letters (
    persistence_id VARCHAR(255) NOT NULL,
    seq BIGINT NOT NULL,
    slice INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    skipped BOOLEAN NOT NULL,
    error TEXT NOT NULL,
    recorded_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (persistence_id, seq)
);

-- The latest result of each periodic read-side check (the journal reconciliation), readable
-- from any node.
CREATE TABLE read_side_checks (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    report TEXT NOT NULL,
    finished_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- One row per projection slice. Every read-side transaction locks its slice's row first, so the
-- live projection and a repair of the same slice never interleave; the row count also pins the
-- slice count, which cannot change once events carry slice tags.
CREATE TABLE read_side_slices (
    slice INTEGER NOT NULL PRIMARY KEY
);
