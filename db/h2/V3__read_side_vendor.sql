-- The projections' offsets and management state (pekko-projection-jdbc's tables), and the
-- trigger that makes audit_log append-only.

-- H2 needs the quoted lower-case identifiers pekko-projection-jdbc uses.
CREATE TABLE "pekko_projection_offset_store" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key" VARCHAR(255) NOT NULL,
    "current_offset" VARCHAR(255) NOT NULL,
    "manifest" VARCHAR(32) NOT NULL,
    "mergeable" BOOLEAN NOT NULL,
    "last_updated" BIGINT NOT NULL,
    PRIMARY KEY ("projection_name", "projection_key")
);
CREATE INDEX "projection_name_index" ON "pekko_projection_offset_store" ("projection_name");

CREATE TABLE "pekko_projection_management" (
    "projection_name" VARCHAR(255) NOT NULL,
    "projection_key" VARCHAR(255) NOT NULL,
    "paused" BOOLEAN NOT NULL,
    "last_updated" BIGINT NOT NULL,
    PRIMARY KEY ("projection_name", "projection_key")
);

-- H2 runs triggers as Java classes: UPDATE and DELETE are refused row by row. H2 fires no
-- trigger on TRUNCATE, so on the embedded default TRUNCATE of audit_log cannot be refused.
CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE, DELETE ON audit_log
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
