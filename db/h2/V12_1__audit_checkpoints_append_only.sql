-- Checkpoints are history too: added, never changed (H2 fires no trigger on TRUNCATE).
CREATE TRIGGER audit_checkpoints_no_update_or_delete
    BEFORE UPDATE, DELETE ON audit_checkpoints
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
CREATE TRIGGER audit_checkpoint_heads_no_update_or_delete
    BEFORE UPDATE, DELETE ON audit_checkpoint_heads
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
