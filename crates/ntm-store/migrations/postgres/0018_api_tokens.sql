-- API tokens for machine clients (issue 14, part 3). Only a SHA-256 of the token is kept;
-- the token itself is shown once. Rows are never deleted: a revoked token stays listed.
CREATE TABLE api_tokens (
    id           UUID        NOT NULL PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    scope        TEXT        NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash   TEXT        NOT NULL UNIQUE,
    prefix       TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   TEXT        NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    revoked_by   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
