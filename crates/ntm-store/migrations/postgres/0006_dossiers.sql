-- Recognition dossiers (hồ sơ xét, công nhận) and their transitions.
-- `dossiers` holds the current state (the domain `Dossier` as JSON in `data`) and a version:
-- the seq of its last event (0 when created). A transition updates the row only if the
-- version is the one the actor saw, and appends an event with seq = version + 1; the unique
-- (dossier_id, seq) index makes two officers acting at once conflict instead of both winning.
CREATE TABLE dossiers (
    id            UUID        NOT NULL PRIMARY KEY,
    unit_id       UUID        NOT NULL REFERENCES units (id),
    unit_code     TEXT        NOT NULL,
    province_code TEXT        NOT NULL,
    set_id        TEXT        NOT NULL,
    year          INTEGER     NOT NULL,
    kind          TEXT        NOT NULL,
    period        TEXT        NOT NULL,
    state         TEXT        NOT NULL,
    data          TEXT        NOT NULL,
    version       BIGINT      NOT NULL,
    created_by    TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossiers_unit ON dossiers (unit_id, year);
CREATE INDEX dossiers_province_state ON dossiers (province_code, state);

-- Append-only history of transitions.
CREATE TABLE dossier_events (
    id          UUID        NOT NULL PRIMARY KEY,
    dossier_id  UUID        NOT NULL REFERENCES dossiers (id),
    seq         BIGINT      NOT NULL,
    action      TEXT        NOT NULL,
    from_state  TEXT        NOT NULL,
    to_state    TEXT        NOT NULL,
    role        TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    event_date  TEXT        NOT NULL,
    payload     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX dossier_events_seq ON dossier_events (dossier_id, seq);

CREATE FUNCTION dossier_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only';
END;
$$;

CREATE TRIGGER dossier_events_no_update_delete BEFORE UPDATE OR DELETE ON dossier_events
    FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only();
