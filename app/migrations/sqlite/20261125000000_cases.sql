-- Service cases end to end: the columns the queue filters and sorts by, full-text search
-- (FTS5 over tokens from cases::search), and each estate's service levels.

ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN department TEXT;
ALTER TABLE cases ADD COLUMN assignee_id TEXT;
ALTER TABLE cases ADD COLUMN building_id TEXT;
ALTER TABLE cases ADD COLUMN escalated BIGINT NOT NULL DEFAULT 0;
-- The earliest open deadline (cases::Case::deadline); far future when nothing is owed.
ALTER TABLE cases ADD COLUMN deadline BIGINT NOT NULL DEFAULT 9223372036854775807;
CREATE INDEX cases_estate_deadline ON cases (estate_id, escalated, deadline);
CREATE INDEX cases_assignee ON cases (assignee_id, deadline);

-- Tokens are written by the store (cases::search::document): one row per case.
CREATE VIRTUAL TABLE cases_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE cases_fts_ids (
    id TEXT PRIMARY KEY,
    fts_rowid BIGINT NOT NULL UNIQUE
);

CREATE TABLE case_policies (
    estate_id TEXT PRIMARY KEY REFERENCES estates(id),
    doc TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
