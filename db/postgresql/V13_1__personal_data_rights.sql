-- Erasures are history: added, never changed. The service may add and remove data keys (an
-- erasure removes one), and add erasures.
CREATE TRIGGER erasures_no_update_or_delete
    BEFORE UPDATE OR DELETE ON erasures
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER erasures_no_truncate
    BEFORE TRUNCATE ON erasures
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON subject_keys TO %I', '${app_role}');
    EXECUTE format('GRANT SELECT, INSERT ON erasures TO %I', '${app_role}');
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), '${app_role}');
END
$grants$;
