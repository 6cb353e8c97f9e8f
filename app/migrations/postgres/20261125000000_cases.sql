-- Service cases end to end: the columns the queue filters and sorts by, full-text search
-- (a `simple` text-search vector over tokens from cases::search), and each estate's
-- service levels.

ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN department TEXT;
ALTER TABLE cases ADD COLUMN assignee_id TEXT;
ALTER TABLE cases ADD COLUMN building_id TEXT;
ALTER TABLE cases ADD COLUMN escalated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN deadline BIGINT NOT NULL DEFAULT 9223372036854775807;
ALTER TABLE cases ADD COLUMN search_doc TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_estate_deadline ON cases (estate_id, escalated, deadline);
CREATE INDEX cases_assignee ON cases (assignee_id, deadline);
CREATE INDEX cases_search ON cases USING GIN (to_tsvector('simple', search_doc));

CREATE TABLE case_policies (
    estate_id TEXT PRIMARY KEY REFERENCES estates(id),
    doc TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
