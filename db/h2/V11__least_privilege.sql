-- The journal and its tag rows are append-only (H2 runs triggers as Java classes and fires none on
-- TRUNCATE). The embedded database has one user, so there are no roles to separate: least
-- privilege is PostgreSQL's (see db/postgresql).
CREATE TRIGGER event_journal_no_update_or_delete
    BEFORE UPDATE, DELETE ON "event_journal"
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
CREATE TRIGGER event_tag_no_update_or_delete
    BEFORE UPDATE, DELETE ON "event_tag"
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";

-- The refusal log's retention clean-up, called as on PostgreSQL.
CREATE ALIAS expire_refusals FOR 'io.caseflow.refusals.RefusalExpiry.expire';
