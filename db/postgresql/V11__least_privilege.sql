-- Least privilege. This migration runs as the schema's owner (caseflow.db.migration-user); the
-- service connects as ${app_role} and gets exactly what it needs: it may add to the journal and
-- the audit tables but never change or remove what they hold, and it owns nothing, so it cannot
-- drop or disable a trigger either.

-- The journal and its tag rows are append-only for everyone, the owner included (an owner who
-- means to rewrite history must first disable these triggers, in the open).
CREATE FUNCTION history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER event_journal_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_journal
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER event_journal_no_truncate
    BEFORE TRUNCATE ON event_journal
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
CREATE TRIGGER event_tag_no_update_or_delete
    BEFORE UPDATE OR DELETE ON event_tag
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER event_tag_no_truncate
    BEFORE TRUNCATE ON event_tag
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

-- The retention clean-up of the refusal log, the one removal the service may make there: it runs
-- with the owner's rights (the service has no DELETE on refusals), and the append-only trigger
-- still refuses rows younger than a day.
CREATE FUNCTION expire_refusals(cutoff TIMESTAMP WITH TIME ZONE, max_rows INTEGER)
    RETURNS INTEGER
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    removed INTEGER;
BEGIN
    DELETE FROM refusals
        WHERE id IN (SELECT id FROM refusals WHERE at < cutoff ORDER BY id LIMIT max_rows);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION expire_refusals(TIMESTAMP WITH TIME ZONE, INTEGER) FROM PUBLIC;

DO $grants$
DECLARE
    service TEXT := '${app_role}';
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), service);
    -- History: added to, never changed.
    EXECUTE format('GRANT SELECT, INSERT ON event_journal, event_tag, audit_log, refusals TO %I', service);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION expire_refusals(TIMESTAMP WITH TIME ZONE, INTEGER) TO %I', service);
    -- Snapshots: Pekko replaces and removes old ones (they are derived from the journal).
    -- Read side, webhooks and sagas: derived tables the service keeps.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON snapshot,'
        || ' pekko_projection_offset_store, pekko_projection_management,'
        || ' cases, case_transitions, state_counts, read_side_dead_letters, read_side_checks,'
        || ' read_side_slices, webhook_subscriptions, webhook_deliveries, saga_status TO %I', service);
END
$grants$;
