-- The service records each workflow version the first time one of its nodes loads it, and reads
-- the record at every start: it may add rows and read them, never change or remove one. The
-- schema's owner still may (no trigger), to take back a version deployed by mistake before any
-- case followed it.
DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON workflow_versions TO %I', '${app_role}');
END
$grants$;
