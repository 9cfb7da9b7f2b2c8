-- Checkpoints are history too: added, never changed, for the service's role by its grants and for
-- everyone by trigger.
CREATE TRIGGER audit_checkpoints_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate
    BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_checkpoint_heads_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_checkpoint_heads
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_checkpoint_heads_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint_heads
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON audit_checkpoints, audit_checkpoint_heads TO %I', '${app_role}');
END
$grants$;
