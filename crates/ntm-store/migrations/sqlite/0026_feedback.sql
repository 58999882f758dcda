-- Citizens' feedback and petitions (phản ánh, kiến nghị; issue 17, docs/feedback.md).
-- Categories per province with their time limit in working days; routing rules the province
-- edits (category and location subtree → responsible unit); reports with their tracking
-- code, location, optional contact (shown only to officers), status, due day, public answer
-- and the citizen's rating; an append-only history of steps; photos (files stored
-- content-addressed under <data_dir>/feedback/); answer templates.
CREATE TABLE feedback_categories (
    id            BLOB    NOT NULL PRIMARY KEY,
    province_code TEXT    NOT NULL,
    code          TEXT    NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    name_vi       TEXT    NOT NULL CHECK (length(name_vi) BETWEEN 1 AND 200),
    name_en       TEXT    NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    description   TEXT    NOT NULL DEFAULT '',
    deadline_days INTEGER NOT NULL CHECK (deadline_days BETWEEN 1 AND 90),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    UNIQUE (province_code, code)
);

CREATE TABLE feedback_routes (
    id                 BLOB NOT NULL PRIMARY KEY,
    province_code      TEXT NOT NULL,
    -- NULL: any category.
    category_code      TEXT,
    -- The location subtree the rule covers (a unit path such as /84/844/28xxx/).
    area_path          TEXT NOT NULL,
    responsible_code   TEXT NOT NULL,
    responsible_path   TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL
);
CREATE INDEX feedback_routes_province ON feedback_routes (province_code);

CREATE TABLE feedback_reports (
    id               BLOB    NOT NULL PRIMARY KEY,
    tracking_code    TEXT    NOT NULL UNIQUE,
    province_code    TEXT    NOT NULL,
    category_code    TEXT    NOT NULL,
    body             TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    lat              REAL,
    lon              REAL,
    -- The unit the citizen chose, or the commune the pin fell in (may be NULL with a pin).
    location_code    TEXT,
    location_path    TEXT    NOT NULL,
    responsible_code TEXT    NOT NULL,
    responsible_path TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('received', 'transferred', 'accepted',
                         'in_progress', 'resolved', 'rejected', 'merged')),
    received_at      TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,
    due_on           TEXT    NOT NULL,
    closed_at        TEXT,
    closed_on        TEXT,
    answer           TEXT,
    refer_to         TEXT,
    merged_into      BLOB REFERENCES feedback_reports (id),
    assignee_id      BLOB REFERENCES users (id),
    contact_name     TEXT,
    contact          TEXT,
    contact_key      TEXT,
    origin_key       TEXT,
    client_token     TEXT UNIQUE,
    keep_location    INTEGER NOT NULL DEFAULT 0,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    rated_at         TEXT,
    attributes       TEXT    NOT NULL DEFAULT '{}',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX feedback_reports_province ON feedback_reports (province_code, received_at, id);
CREATE INDEX feedback_reports_status ON feedback_reports (province_code, status, received_at, id);
CREATE INDEX feedback_reports_unit ON feedback_reports (responsible_code, received_at, id);
CREATE INDEX feedback_reports_unit_status ON feedback_reports (responsible_code, status, received_at, id);
CREATE INDEX feedback_reports_near ON feedback_reports (province_code, category_code, lat);
CREATE INDEX feedback_reports_origin ON feedback_reports (origin_key, received_at);
CREATE INDEX feedback_reports_contact ON feedback_reports (contact_key, received_at);

CREATE TABLE feedback_events (
    report_id   BLOB    NOT NULL REFERENCES feedback_reports (id),
    seq         INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    note        TEXT,
    unit_code   TEXT,
    actor       TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    PRIMARY KEY (report_id, seq)
);
CREATE TRIGGER feedback_events_no_update BEFORE UPDATE ON feedback_events
BEGIN SELECT RAISE(ABORT, 'feedback_events is append-only'); END;
CREATE TRIGGER feedback_events_no_delete BEFORE DELETE ON feedback_events
BEGIN SELECT RAISE(ABORT, 'feedback_events is append-only'); END;

CREATE TABLE feedback_photos (
    id           BLOB    NOT NULL PRIMARY KEY,
    report_id    BLOB    NOT NULL REFERENCES feedback_reports (id),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    location_removed INTEGER NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX feedback_photos_report ON feedback_photos (report_id);

CREATE TABLE feedback_templates (
    id            BLOB NOT NULL PRIMARY KEY,
    province_code TEXT NOT NULL,
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body          TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX feedback_templates_province ON feedback_templates (province_code);
