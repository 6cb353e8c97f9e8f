-- The supervisor's queue reads cases in urgency order (escalated first, then the earliest
-- open deadline, then the oldest); an index in exactly that order lets it stop after one
-- page instead of sorting every case of the estate (server/benches/cases.rs).
CREATE INDEX cases_queue ON cases (estate_id, escalated DESC, deadline, created_at, id);
DROP INDEX cases_estate_deadline;
