-- Foundation: accounts, sessions, the estate, residents, audit trail.
-- Ids are UUIDv7 text; times are Unix milliseconds; flags are 0/1 integers so the same
-- SQL runs on SQLite and PostgreSQL.

CREATE TABLE estates (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE buildings (
    id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL REFERENCES estates(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    floors BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (estate_id, code)
);

CREATE TABLE units (
    id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL REFERENCES estates(id),
    building_id TEXT NOT NULL REFERENCES buildings(id),
    number TEXT NOT NULL,
    floor BIGINT NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('occupied', 'rented', 'vacant', 'custody')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (building_id, number)
);
CREATE INDEX units_estate ON units (estate_id, number);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL REFERENCES estates(id),
    building_id TEXT REFERENCES buildings(id),
    kind TEXT NOT NULL CHECK (kind IN ('common_area', 'facility')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (estate_id, code)
);

CREATE TABLE residents (
    id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL REFERENCES estates(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    id_doc_type TEXT NOT NULL,
    id_doc_number TEXT NOT NULL,
    payment_standing TEXT NOT NULL CHECK (payment_standing IN ('good', 'arrears')),
    move_in_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX residents_estate ON residents (estate_id, name);

CREATE TABLE resident_units (
    resident_id TEXT NOT NULL REFERENCES residents(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    relation TEXT NOT NULL CHECK (relation IN ('owner', 'tenant', 'household', 'agent', 'company')),
    PRIMARY KEY (resident_id, unit_id)
);
CREATE INDEX resident_units_unit ON resident_units (unit_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT,
    resident_id TEXT REFERENCES residents(id),
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_estates (
    user_id TEXT NOT NULL REFERENCES users(id),
    estate_id TEXT NOT NULL REFERENCES estates(id),
    PRIMARY KEY (user_id, estate_id)
);

-- Only a SHA-256 of the session token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per account and per address, for throttling across servers.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (throttle_key, at);

-- Who changed what: nothing is changed or removed without a trace.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
