-- refusals is append-only: no row is ever changed, and only rows older than a day can be
-- removed (the retention clean-up; its setting cannot go below a day).

CREATE FUNCTION refusals_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - INTERVAL '1 day' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'refusals is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER refusals_no_update_or_early_delete
    BEFORE UPDATE OR DELETE ON refusals
    FOR EACH ROW EXECUTE FUNCTION refusals_append_only();

CREATE TRIGGER refusals_no_truncate
    BEFORE TRUNCATE ON refusals
    FOR EACH STATEMENT EXECUTE FUNCTION refusals_append_only();
