-- Plans (issue 6): values of plan measures entered per unit and year, and the status of the
-- tasks of a plan's agency task list. Both append-only: a change adds a version; the
-- current row is the highest version of its key. The unique indexes make two writers of the
-- same version conflict instead of overwriting. Each write carries an audit entry.
CREATE TABLE plan_measure_values (
    id            UUID    NOT NULL PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_id       UUID    NOT NULL REFERENCES units (id),
    unit_code     TEXT    NOT NULL,
    measure       TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    version       BIGINT  NOT NULL,
    value_text    TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX plan_measure_values_key_version
    ON plan_measure_values (unit_id, measure, year, version);
CREATE INDEX plan_measure_values_province ON plan_measure_values (province_code, measure, year);

CREATE TABLE plan_task_status (
    id          UUID    NOT NULL PRIMARY KEY,
    plan_id     TEXT    NOT NULL,
    task_code   TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    status      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX plan_task_status_key_version ON plan_task_status (plan_id, task_code, version);
