-- Foundation schema (PostgreSQL). Paired with ../sqlite/0001_foundation.sql: same tables,
-- same columns. Types: UUID, TIMESTAMPTZ, DATE, BOOLEAN.

-- One row per *version* of an administrative unit. `period_key` is valid_from as
-- YYYY-MM-DD, or '' when the start is unknown, so the unique key works without NULLs.
-- text_pattern_ops lets LIKE 'prefix%' use the index whatever the database collation.
CREATE TABLE units (
    id            UUID NOT NULL PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    level         TEXT NOT NULL,
    parent_code   TEXT,
    path          TEXT NOT NULL,
    province_code TEXT NOT NULL,
    region        TEXT,
    valid_from    DATE,
    valid_to      DATE,
    period_key    TEXT NOT NULL,
    search_key    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
-- Also serves look-ups by code (its leading column).
CREATE UNIQUE INDEX units_code_level_period ON units (code, level, period_key);
CREATE INDEX units_path ON units (path text_pattern_ops);
CREATE INDEX units_parent_code ON units (parent_code);
CREATE INDEX units_search_key ON units (search_key text_pattern_ops);

CREATE TABLE unit_lineage (
    id        UUID NOT NULL PRIMARY KEY,
    from_unit UUID NOT NULL REFERENCES units (id),
    to_unit   UUID NOT NULL REFERENCES units (id),
    kind      TEXT NOT NULL,
    effective DATE NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX unit_lineage_from ON unit_lineage (from_unit);
CREATE INDEX unit_lineage_to ON unit_lineage (to_unit);

-- Each applied snapshot file.
CREATE TABLE unit_snapshots (
    id            UUID        NOT NULL PRIMARY KEY,
    snapshot_date DATE        NOT NULL,
    source        TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    applied_at    TIMESTAMPTZ NOT NULL,
    opened        BIGINT      NOT NULL,
    closed        BIGINT      NOT NULL,
    lineage       BIGINT      NOT NULL,
    unchanged     BIGINT      NOT NULL
);

CREATE TABLE users (
    id            UUID        NOT NULL PRIMARY KEY,
    username      TEXT        NOT NULL UNIQUE,
    display_name  TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    active        BOOLEAN     NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_roles (
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope_code TEXT,
    scope_path TEXT NOT NULL,
    PRIMARY KEY (user_id, role, scope_path)
);

CREATE TABLE sessions (
    token_hash   TEXT        NOT NULL PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    origin       TEXT        NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
    id       UUID        NOT NULL PRIMARY KEY,
    key_hash TEXT        NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key_hash, at);

-- Append-only, hash-chained audit log (see ntm_domain::audit).
CREATE TABLE audit_log (
    seq       BIGINT      NOT NULL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT        NOT NULL,
    action    TEXT        NOT NULL,
    target    TEXT        NOT NULL,
    detail    TEXT        NOT NULL,
    origin    TEXT        NOT NULL,
    prev_hash TEXT        NOT NULL,
    hash      TEXT        NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The last (seq, hash) of the chain; writers lock this row first.
CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
