-- The front-desk ledger travels in `records` like cases. Notices reach residents by
-- place rather than by unit or author: `resident_scope` holds `estate:<id>`,
-- `building:<id>` or `unit:<id>` for records residents of that place may pull.
ALTER TABLE records ADD COLUMN resident_scope TEXT;
CREATE INDEX records_resident_scope_cursor ON records (resident_scope, cursor);
