-- Indicator values per unit, criteria set and year. Append-only: a change adds a version;
-- the current value is the highest version of (unit_id, set_id, indicator_code, year).
-- The unique index makes two writers of the same version conflict instead of overwriting.
CREATE TABLE observations (
    id             UUID        NOT NULL PRIMARY KEY,
    province_code  TEXT        NOT NULL,
    unit_id        UUID        NOT NULL REFERENCES units (id),
    unit_code      TEXT        NOT NULL,
    set_id         TEXT        NOT NULL,
    indicator_code TEXT        NOT NULL,
    year           INTEGER     NOT NULL,
    value_text     TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    note           TEXT        NOT NULL,
    source         TEXT        NOT NULL,
    version        BIGINT      NOT NULL,
    created_by     TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX observations_key_version
    ON observations (unit_id, set_id, indicator_code, year, version);
CREATE INDEX observations_set_year ON observations (set_id, year, province_code);

CREATE TABLE observation_files (
    id             UUID        NOT NULL PRIMARY KEY,
    observation_id UUID        NOT NULL REFERENCES observations (id),
    file_name      TEXT        NOT NULL,
    sha256         TEXT        NOT NULL,
    size           BIGINT      NOT NULL,
    stored_path    TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX observation_files_observation ON observation_files (observation_id);

CREATE FUNCTION observations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'observations are append-only';
END;
$$;

CREATE TRIGGER observations_no_update_delete BEFORE UPDATE OR DELETE ON observations
    FOR EACH ROW EXECUTE FUNCTION observations_append_only();
