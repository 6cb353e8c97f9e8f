-- The sync engine: the mutation log (applied and rejected), devices and their seq
-- high-water marks, gaps, the published records with the change-feed cursor, blobs.

-- One row: the last cursor handed out. Every transaction that publishes records locks
-- this row first, so transactions that publish are serialized and a cursor is only ever
-- visible after every smaller cursor has committed (see store/sync.rs).
CREATE TABLE sync_state (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    last_cursor BIGINT NOT NULL
);
INSERT INTO sync_state (id, last_cursor) VALUES (1, 0);

-- The latest published state of every record, at most one row per record: the pull feed.
CREATE TABLE records (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    cursor BIGINT NOT NULL UNIQUE,
    estate_id TEXT NOT NULL,
    unit_id TEXT,
    owner_id TEXT,
    deleted BIGINT NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX records_estate_cursor ON records (estate_id, cursor);
CREATE INDEX records_unit_cursor ON records (unit_id, cursor);

-- Cases as columns to query by (the whole state is the record's doc).
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL REFERENCES estates(id),
    unit_id TEXT REFERENCES units(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_estate_updated ON cases (estate_id, updated_at);

-- Which records name which blob, to re-publish them when the bytes arrive.
CREATE TABLE blob_refs (
    sha256 TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (sha256, entity, entity_id)
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    high_seq BIGINT NOT NULL,
    last_user_id TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);

-- Every mutation ever received, keyed by its id: applied ones are the history, rejected
-- ones are the rejection log supervisors read. Nothing here is deleted.
CREATE TABLE mutations (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    estate_id TEXT,
    op TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    client_time TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    code TEXT,
    message TEXT,
    payload TEXT NOT NULL
);
CREATE INDEX mutations_device_seq ON mutations (device_id, seq);
CREATE INDEX mutations_outcome ON mutations (outcome, received_at);

-- Seq numbers a device skipped: shown to supervisors instead of being waited for.
CREATE TABLE device_gaps (
    device_id TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    detected_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, from_seq)
);
