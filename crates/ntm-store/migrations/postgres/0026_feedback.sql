-- Citizens' feedback and petitions (phản ánh, kiến nghị; issue 17, docs/feedback.md).
-- Categories per province with their time limit in working days; routing rules the province
-- edits (category and location subtree → responsible unit); reports with their tracking
-- code, location, optional contact (shown only to officers), status, due day, public answer
-- and the citizen's rating; an append-only history of steps; photos (files stored
-- content-addressed under <data_dir>/feedback/); answer templates.
CREATE TABLE feedback_categories (
    id            UUID    NOT NULL PRIMARY KEY,
    province_code TEXT    NOT NULL,
    code          TEXT    NOT NULL CHECK (char_length(code) BETWEEN 1 AND 40),
    name_vi       TEXT    NOT NULL CHECK (char_length(name_vi) BETWEEN 1 AND 200),
    name_en       TEXT    NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
    description   TEXT    NOT NULL DEFAULT '',
    deadline_days BIGINT NOT NULL CHECK (deadline_days BETWEEN 1 AND 90),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ    NOT NULL,
    created_by    TEXT    NOT NULL,
    UNIQUE (province_code, code)
);

CREATE TABLE feedback_routes (
    id                 UUID NOT NULL PRIMARY KEY,
    province_code      TEXT NOT NULL,
    -- NULL: any category.
    category_code      TEXT,
    -- The location subtree the rule covers (a unit path such as /84/844/28xxx/).
    area_path          TEXT NOT NULL,
    responsible_code   TEXT NOT NULL,
    responsible_path   TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         TEXT NOT NULL
);
CREATE INDEX feedback_routes_province ON feedback_routes (province_code);

CREATE TABLE feedback_reports (
    id               UUID    NOT NULL PRIMARY KEY,
    tracking_code    TEXT    NOT NULL UNIQUE,
    province_code    TEXT    NOT NULL,
    category_code    TEXT    NOT NULL,
    body             TEXT    NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    lat              DOUBLE PRECISION,
    lon              DOUBLE PRECISION,
    -- The unit the citizen chose, or the commune the pin fell in (may be NULL with a pin).
    location_code    TEXT,
    location_path    TEXT    NOT NULL,
    responsible_code TEXT    NOT NULL,
    responsible_path TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('received', 'transferred', 'accepted',
                         'in_progress', 'resolved', 'rejected', 'merged')),
    received_at      TIMESTAMPTZ    NOT NULL,
    received_on      DATE    NOT NULL,
    due_on           DATE    NOT NULL,
    closed_at        TIMESTAMPTZ,
    closed_on        DATE,
    answer           TEXT,
    refer_to         TEXT,
    merged_into      UUID REFERENCES feedback_reports (id),
    assignee_id      UUID REFERENCES users (id),
    contact_name     TEXT,
    contact          TEXT,
    contact_key      TEXT,
    origin_key       TEXT,
    client_token     TEXT UNIQUE,
    keep_location    BOOLEAN NOT NULL DEFAULT FALSE,
    rating           BIGINT CHECK (rating BETWEEN 1 AND 5),
    rated_at         TIMESTAMPTZ,
    attributes       TEXT    NOT NULL DEFAULT '{}',
    version          BIGINT NOT NULL DEFAULT 1,
    updated_at       TIMESTAMPTZ    NOT NULL
);
CREATE INDEX feedback_reports_province ON feedback_reports (province_code, received_at, id);
CREATE INDEX feedback_reports_status ON feedback_reports (province_code, status, received_at, id);
CREATE INDEX feedback_reports_unit ON feedback_reports (responsible_code, received_at, id);
CREATE INDEX feedback_reports_unit_status ON feedback_reports (responsible_code, status, received_at, id);
CREATE INDEX feedback_reports_near ON feedback_reports (province_code, category_code, lat);
CREATE INDEX feedback_reports_origin ON feedback_reports (origin_key, received_at);
CREATE INDEX feedback_reports_contact ON feedback_reports (contact_key, received_at);

CREATE TABLE feedback_events (
    report_id   UUID    NOT NULL REFERENCES feedback_reports (id),
    seq         BIGINT NOT NULL,
    action      TEXT    NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    note        TEXT,
    unit_code   TEXT,
    actor       TEXT    NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (report_id, seq)
);
CREATE FUNCTION feedback_events_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'feedback_events is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER feedback_events_no_change BEFORE UPDATE OR DELETE ON feedback_events
FOR EACH ROW EXECUTE FUNCTION feedback_events_append_only();

CREATE TABLE feedback_photos (
    id           UUID    NOT NULL PRIMARY KEY,
    report_id    UUID    NOT NULL REFERENCES feedback_reports (id),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT NOT NULL,
    location_removed BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ    NOT NULL
);
CREATE INDEX feedback_photos_report ON feedback_photos (report_id);

CREATE TABLE feedback_templates (
    id            UUID NOT NULL PRIMARY KEY,
    province_code TEXT NOT NULL,
    title         TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    body          TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX feedback_templates_province ON feedback_templates (province_code);
