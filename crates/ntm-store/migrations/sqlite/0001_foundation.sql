-- Foundation schema (SQLite). Paired with ../postgres/0001_foundation.sql: same tables,
-- same columns. Types: uuid BLOB, timestamps TEXT (UTC, fixed width, written by ntm-store),
-- dates TEXT (YYYY-MM-DD), booleans INTEGER.

-- One row per *version* of an administrative unit. `period_key` is valid_from as
-- YYYY-MM-DD, or '' when the start is unknown, so the unique key works without NULLs.
-- `path` and `search_key` use NOCASE so SQLite can use their indexes for LIKE 'prefix%'.
CREATE TABLE units (
    id            BLOB    NOT NULL PRIMARY KEY,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    level         TEXT    NOT NULL,
    parent_code   TEXT,
    path          TEXT    NOT NULL COLLATE NOCASE,
    province_code TEXT    NOT NULL,
    region        TEXT,
    valid_from    TEXT,
    valid_to      TEXT,
    period_key    TEXT    NOT NULL,
    search_key    TEXT    NOT NULL COLLATE NOCASE,
    created_at    TEXT    NOT NULL
);
-- Also serves look-ups by code (its leading column).
CREATE UNIQUE INDEX units_code_level_period ON units (code, level, period_key);
CREATE INDEX units_path ON units (path);
CREATE INDEX units_parent_code ON units (parent_code);
CREATE INDEX units_search_key ON units (search_key);

CREATE TABLE unit_lineage (
    id        BLOB NOT NULL PRIMARY KEY,
    from_unit BLOB NOT NULL REFERENCES units (id),
    to_unit   BLOB NOT NULL REFERENCES units (id),
    kind      TEXT NOT NULL,
    effective TEXT NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX unit_lineage_from ON unit_lineage (from_unit);
CREATE INDEX unit_lineage_to ON unit_lineage (to_unit);

-- Each applied snapshot file.
CREATE TABLE unit_snapshots (
    id            BLOB    NOT NULL PRIMARY KEY,
    snapshot_date TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    applied_at    TEXT    NOT NULL,
    opened        INTEGER NOT NULL,
    closed        INTEGER NOT NULL,
    lineage       INTEGER NOT NULL,
    unchanged     INTEGER NOT NULL
);

CREATE TABLE users (
    id            BLOB    NOT NULL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE TABLE user_roles (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope_code TEXT,
    scope_path TEXT NOT NULL,
    PRIMARY KEY (user_id, role, scope_path)
);

CREATE TABLE sessions (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    origin       TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
    id       BLOB NOT NULL PRIMARY KEY,
    key_hash TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key_hash, at);

-- Append-only, hash-chained audit log (see ntm_domain::audit).
CREATE TABLE audit_log (
    seq       INTEGER NOT NULL PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    origin    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The last (seq, hash) of the chain; writers lock this row first.
CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
