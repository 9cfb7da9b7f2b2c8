-- The live event feed. The read side records each event once, in its slice's transaction, and
-- gives it the next position of that slice; one writer per slice at a time (the slice lock) means
-- positions become visible in the order they were given, so a reader that resumes after a
-- position misses nothing and sees nothing twice. An event the live projection skipped and the
-- reconciliation recorded later gets a later position: it is late on the feed, never missing.
-- Events recorded before this migration have no position and are not on the feed.
ALTER TABLE audit_log ADD COLUMN slice INTEGER;
ALTER TABLE audit_log ADD COLUMN feed_position BIGINT;
CREATE INDEX audit_log_feed ON audit_log (tenant, slice, feed_position);

-- The last position given out in each slice.
ALTER TABLE read_side_slices ADD COLUMN feed_position BIGINT DEFAULT 0 NOT NULL;
