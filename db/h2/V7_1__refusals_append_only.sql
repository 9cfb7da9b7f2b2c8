-- refusals is append-only: no row is ever changed, and only rows older than a day can be
-- removed (the retention clean-up; its setting cannot go below a day). H2 runs triggers as Java
-- classes and fires none on TRUNCATE.
CREATE TRIGGER refusals_no_update_or_early_delete
    BEFORE UPDATE, DELETE ON refusals
    FOR EACH ROW CALL "io.caseflow.refusals.RefusalRetentionTrigger";
