-- Sagas (merge sagas, subject claims) as operators see them: one row per saga, kept by the
-- "sagas" projection (offset in pekko_projection_offset_store) from the sagas' own events. The
-- saga entities are the truth; this table lists them, finds the unfinished ones to wake after a
-- crash, and the stuck ones for operators.

CREATE TABLE saga_status (
    -- The saga's persistence id: MergeSaga|<id> or SubjectClaim|<tenant>/<workflow>/<hash>.
    saga_id VARCHAR(255) NOT NULL PRIMARY KEY,
    kind VARCHAR(32) NOT NULL,
    tenant VARCHAR(64) NOT NULL,
    -- running, compensating, completed, compensated.
    status VARCHAR(16) NOT NULL,
    -- What the saga is about, for people: "case a into case b", "case a for subject s".
    summary VARCHAR(1000) NOT NULL,
    started_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX saga_status_unfinished ON saga_status (status, updated_at);
