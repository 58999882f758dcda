-- Periodic progress reports (báo cáo định kỳ 6 tháng / năm) asked by a plan.
-- `periodic_reports` holds the current state of one report of a unit for a plan, a period
-- kind and a year (unique), its parent on the period's date (who accepts it), the due date
-- and the day it was first submitted; `version` is the seq of its last version.
-- `periodic_report_versions` is append-only: every save, submission, acceptance and return
-- is a new row with who, when, the narrative sections and the figures (JSON) as they were,
-- so nothing is overwritten without a trace. A write names the version it saw; the unique
-- (report_id, seq) index makes two writers at once conflict instead of both winning.
CREATE TABLE periodic_reports (
    id               UUID    NOT NULL PRIMARY KEY,
    unit_id          UUID    NOT NULL REFERENCES units (id),
    unit_code        TEXT    NOT NULL,
    province_code    TEXT    NOT NULL,
    plan_id          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    year             INTEGER NOT NULL,
    parent_unit_id   UUID    REFERENCES units (id),
    parent_code      TEXT,
    due_date         TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    version          BIGINT  NOT NULL,
    first_submitted  TEXT,
    created_by       TEXT    NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX periodic_reports_key ON periodic_reports (unit_id, plan_id, kind, year);
CREATE INDEX periodic_reports_unit_code ON periodic_reports (unit_code, year);
CREATE INDEX periodic_reports_parent ON periodic_reports (parent_unit_id, plan_id, kind, year);

CREATE TABLE periodic_report_versions (
    id          UUID    NOT NULL PRIMARY KEY,
    report_id   UUID    NOT NULL REFERENCES periodic_reports (id),
    seq         BIGINT  NOT NULL,
    action      TEXT    NOT NULL,
    from_state  TEXT    NOT NULL,
    to_state    TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    narrative   TEXT    NOT NULL,
    figures     TEXT    NOT NULL,
    note        TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX periodic_report_versions_seq ON periodic_report_versions (report_id, seq);

CREATE FUNCTION periodic_report_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'report versions are append-only';
END;
$$;

CREATE TRIGGER periodic_report_versions_no_update_delete
    BEFORE UPDATE OR DELETE ON periodic_report_versions
    FOR EACH ROW EXECUTE FUNCTION periodic_report_versions_append_only();

-- A parent unit closing a period of a plan: its children's reports of that period can no
-- longer be submitted. One closure per (parent, plan, kind, year).
CREATE TABLE periodic_report_closures (
    id              UUID    NOT NULL PRIMARY KEY,
    parent_unit_id  UUID    NOT NULL REFERENCES units (id),
    parent_code     TEXT    NOT NULL,
    plan_id         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    note            TEXT,
    closed_by       TEXT    NOT NULL,
    closed_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX periodic_report_closures_key
    ON periodic_report_closures (parent_unit_id, plan_id, kind, year);
