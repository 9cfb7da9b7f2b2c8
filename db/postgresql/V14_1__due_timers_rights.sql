DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON due_timers TO %I', '${app_role}');
END
$grants$;
