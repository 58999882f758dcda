-- Provincial criteria-set files (a province's set extending a national one), with history:
-- an upload adds a row; the active file of (province_code, set_id) is the latest one
-- (`active` is cleared on the older rows in the same transaction).
CREATE TABLE criteria_set_files (
    id            UUID        NOT NULL PRIMARY KEY,
    province_code TEXT        NOT NULL,
    set_id        TEXT        NOT NULL,
    version       TEXT        NOT NULL,
    extends_id    TEXT        NOT NULL,
    file_name     TEXT        NOT NULL,
    yaml          TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    uploaded_by   TEXT        NOT NULL,
    uploaded_at   TIMESTAMPTZ NOT NULL,
    active        BOOLEAN     NOT NULL
);
CREATE INDEX criteria_set_files_province ON criteria_set_files (province_code, set_id, active);
