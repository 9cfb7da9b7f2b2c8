-- Each workflow version as it was first deployed (io.caseflow.app.DeployedWorkflowVersions): the
-- hash of what its definition means (io.caseflow.workflow.DefinitionHash), where it was read from
-- and when. A deployed version never changes, since its running cases keep following it: every
-- start compares each definition it loads with the hash recorded here and refuses a changed one.
-- Rows are added by the first node to load a version, never changed or removed (see the vendor
-- migrations).
CREATE TABLE workflow_versions (
    workflow VARCHAR(64) NOT NULL,
    version INTEGER NOT NULL,
    definition_hash CHAR(64) NOT NULL,
    -- the file it was first read from (a path, or its place in the service's jar)
    source VARCHAR(1000) NOT NULL,
    first_deployed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (workflow, version)
);
