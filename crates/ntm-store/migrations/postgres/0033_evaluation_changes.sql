-- The change feed of evaluation inputs (issue 18, ARCHITECTURE.md "Dashboards keep their
-- evaluations"): one row per unit record, set and year whose values a write changed, or one
-- row per scope a write changed wholesale (unit lists, published set versions, provincial
-- set files, commune groups), written by the store in the transaction of the write. `seq` is
-- the seq of the write's audit entry: writers are serialized by the audit head, so rows
-- become visible in seq order and a reader that saw seq N has seen every row up to N.
CREATE TABLE evaluation_changes (
    id         UUID        NOT NULL PRIMARY KEY,
    seq        BIGINT      NOT NULL,
    -- A unit record whose values changed (with the set and year), or NULL for a scope.
    unit_id    UUID,
    set_id     TEXT,
    year       INTEGER,
    -- Scope-wide: the subtree changed (materialized path, '/' for every unit) and why.
    scope_path TEXT,
    kind       TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    CHECK ((unit_id IS NULL) <> (scope_path IS NULL))
);
CREATE INDEX evaluation_changes_seq ON evaluation_changes (seq);
