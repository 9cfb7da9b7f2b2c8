-- Signed checkpoints of the cases' chain heads (io.caseflow.audit). Each row is also exported,
-- signed, outside the database; here they are found, there they are kept. Append-only (see the
-- vendor migrations).
CREATE TABLE audit_checkpoints (
    number BIGINT NOT NULL PRIMARY KEY,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    previous_hash CHAR(64) NOT NULL,
    -- the journal positions it covers: (from_ordering, to_ordering]
    from_ordering BIGINT NOT NULL,
    to_ordering BIGINT NOT NULL,
    cases INTEGER NOT NULL,
    merkle_root CHAR(64) NOT NULL,
    key_id VARCHAR(64) NOT NULL,
    hash CHAR(64) NOT NULL,
    signature VARCHAR(200) NOT NULL
);

-- The leaves of each checkpoint's Merkle tree: one head (case, sequence number, hash) per case
-- whose history grew in its range, in leaf order.
CREATE TABLE audit_checkpoint_heads (
    checkpoint BIGINT NOT NULL,
    position INTEGER NOT NULL,
    tenant VARCHAR(64) NOT NULL,
    case_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    hash CHAR(64) NOT NULL,
    PRIMARY KEY (checkpoint, position)
);
CREATE INDEX audit_checkpoint_heads_by_case ON audit_checkpoint_heads (tenant, case_id, checkpoint);
