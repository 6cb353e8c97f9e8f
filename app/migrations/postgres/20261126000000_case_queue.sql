-- The supervisor's queue reads cases in urgency order (escalated first, then the earliest
-- open deadline, then the oldest); an index in exactly that order lets it stop after one
-- page instead of sorting every case of the estate (server/benches/cases.rs).
CREATE INDEX cases_queue ON cases (estate_id, escalated DESC, deadline, created_at, id);
DROP INDEX cases_estate_deadline;
-- Search reads a stored tsvector: with the expression index, every candidate row of a
-- phrase query (Chinese words are phrases of single characters) was re-parsed from text
-- to check it, which made a common two-character word the slowest query of the queue.
ALTER TABLE cases ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_doc)) STORED;
CREATE INDEX cases_search_tsv ON cases USING GIN (search_tsv);
DROP INDEX cases_search;
