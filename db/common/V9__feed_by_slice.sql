-- One reader per node follows the feed of every tenant, slice by slice (FeedHub); a stream of one
-- tenant catching up keeps using audit_log_feed.
CREATE INDEX audit_log_feed_by_slice ON audit_log (slice, feed_position);
