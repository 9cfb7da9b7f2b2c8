-- The projections read the journal tag by tag (eventsByTag), a nested loop over the journal's
-- ordering on PostgreSQL (see Storage.pekkoConfig). For a sparse tag, the sagas' among millions of
-- case events, walking the ordering finds few rows of the tag; this index finds them by tag.
-- Quoted: the embedded H2 database names the journal's tables in lower case.
CREATE INDEX "event_tag_by_tag" ON "event_tag" ("tag", "event_id");
