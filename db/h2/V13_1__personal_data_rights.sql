-- Erasures are history: added, never changed (H2 fires no trigger on TRUNCATE).
CREATE TRIGGER erasures_no_update_or_delete
    BEFORE UPDATE, DELETE ON erasures
    FOR EACH ROW CALL "io.caseflow.readside.AppendOnlyTrigger";
