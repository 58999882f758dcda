-- Files attached to a dossier (the bytes live under <data_dir>/dossiers/, content-addressed),
-- in-app notifications, and a province's procedure settings (holidays, time limits,
-- satisfaction threshold), each with the basis (document, article) it cites.
CREATE TABLE dossier_documents (
    id          UUID    NOT NULL PRIMARY KEY,
    dossier_id  UUID    NOT NULL REFERENCES dossiers (id),
    kind        TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    stored_path TEXT    NOT NULL,
    uploaded_by TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id);

CREATE TABLE notifications (
    id          UUID    NOT NULL PRIMARY KEY,
    user_id     UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dossier_id  UUID    REFERENCES dossiers (id),
    message     TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);

-- One row per setting of a province: kind `holiday` (key: the date YYYY-MM-DD),
-- `time_limit` (key: the step, value: JSON {days, unit}), `satisfaction` (key: the dossier
-- kind, value: the percent). `basis` is required (the decision and article it comes from).
CREATE TABLE procedure_settings (
    province_code TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    basis         TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, kind, key)
);
