-- Criteria-set versions authored in the product (issue 12): a province's own set (scope =
-- province code) or a national set (scope 'national', administrators). A version is a draft
-- (editable, `revision` counts the edits) until it is published; a published version never
-- changes (updates are guarded by `status = 'draft'` and the revision seen). `content` is the
-- authoring model as JSON (ntm_domain::criteria::authoring::AuthoredSet); `yaml` is the
-- `ntm-criteria/1` document made from it (what evaluation resolves and what is exported).
-- Dates are text `YYYY-MM-DD` (they compare as text on both engines).
CREATE TABLE criteria_set_versions (
    id           BLOB    NOT NULL PRIMARY KEY,
    scope        TEXT    NOT NULL,
    set_id       TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    extends_id   TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    valid_from   TEXT    NOT NULL,
    valid_to     TEXT,
    content      TEXT    NOT NULL,
    yaml         TEXT    NOT NULL,
    origin       TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    updated_by   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    published_by TEXT,
    published_at TEXT
);
CREATE UNIQUE INDEX criteria_set_versions_label ON criteria_set_versions (scope, set_id, label);
CREATE INDEX criteria_set_versions_status ON criteria_set_versions (scope, status, set_id);
