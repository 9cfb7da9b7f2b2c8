-- The record of deployed workflow versions is added to, never changed: the embedded database has
-- one user, so a trigger stands where PostgreSQL's grants do (H2 fires none on TRUNCATE).
CREATE TRIGGER workflow_versions_no_update_or_delete
    BEFORE UPDATE, DELETE ON workflow_versions
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
