-- Indexes every case-create paid for and no query reads (each is one more b-tree write
-- per published record; measured with the sync bench, see docs/sync.md):
-- - `records_unit_cursor` and `records_resident_scope_cursor`: a resident's pull is one
--   condition with OR over the owner, the units and the places, which the planner serves
--   by walking the feed in cursor order (`records.cursor`'s own index) and filtering;
--   EXPLAIN QUERY PLAN never picks either index.
-- - `cases_estate_updated`: no query filters or sorts cases by `updated_at`.
-- - `cases_assignee`: only cases with an assignee are ever looked up by it, so the index
--   leaves out the unassigned ones (every new case).
DROP INDEX records_unit_cursor;
DROP INDEX records_resident_scope_cursor;
DROP INDEX cases_estate_updated;
DROP INDEX cases_assignee;
CREATE INDEX cases_assignee ON cases (assignee_id, deadline) WHERE assignee_id IS NOT NULL;
