-- Indicator values per unit, criteria set and year. Append-only: a change adds a version;
-- the current value is the highest version of (unit_id, set_id, indicator_code, year).
-- The unique index makes two writers of the same version conflict instead of overwriting.
CREATE TABLE observations (
    id             BLOB    NOT NULL PRIMARY KEY,
    province_code  TEXT    NOT NULL,
    unit_id        BLOB    NOT NULL REFERENCES units (id),
    unit_code      TEXT    NOT NULL,
    set_id         TEXT    NOT NULL,
    indicator_code TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    value_text     TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    note           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE UNIQUE INDEX observations_key_version
    ON observations (unit_id, set_id, indicator_code, year, version);
CREATE INDEX observations_set_year ON observations (set_id, year, province_code);

CREATE TABLE observation_files (
    id             BLOB    NOT NULL PRIMARY KEY,
    observation_id BLOB    NOT NULL REFERENCES observations (id),
    file_name      TEXT    NOT NULL,
    sha256         TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    stored_path    TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE INDEX observation_files_observation ON observation_files (observation_id);

CREATE TRIGGER observations_no_update BEFORE UPDATE ON observations
BEGIN SELECT RAISE(ABORT, 'observations are append-only'); END;
CREATE TRIGGER observations_no_delete BEFORE DELETE ON observations
BEGIN SELECT RAISE(ABORT, 'observations are append-only'); END;
