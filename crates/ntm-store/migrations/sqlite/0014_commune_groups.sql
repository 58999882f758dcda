-- Commune groups of a programme period (QĐ 51/2025/QĐ-TTg: nhóm 1, 2, 3 for 2026–2030),
-- assigned by the province to each commune (by official code) with the basis it cites
-- (document number, date, issuer, article: all required). Append-only: the current group
-- of a commune for a period is its row with the highest `seq`; earlier rows are the
-- history (who, when, on what basis).
CREATE TABLE commune_group_assignments (
    id            BLOB    NOT NULL PRIMARY KEY,
    province_code TEXT    NOT NULL,
    commune_code  TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    grp           INTEGER NOT NULL CHECK (grp BETWEEN 1 AND 3),
    basis_doc     TEXT    NOT NULL CHECK (basis_doc <> ''),
    basis_date    TEXT    NOT NULL CHECK (basis_date <> ''),
    basis_issuer  TEXT    NOT NULL CHECK (basis_issuer <> ''),
    basis_article TEXT    NOT NULL CHECK (basis_article <> ''),
    note          TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX commune_group_assignments_seq
    ON commune_group_assignments (period, commune_code, seq);
CREATE INDEX commune_group_assignments_province
    ON commune_group_assignments (province_code, period);

CREATE TRIGGER commune_group_assignments_no_update BEFORE UPDATE ON commune_group_assignments
BEGIN SELECT RAISE(ABORT, 'commune group assignments are append-only'); END;
CREATE TRIGGER commune_group_assignments_no_delete BEFORE DELETE ON commune_group_assignments
BEGIN SELECT RAISE(ABORT, 'commune group assignments are append-only'); END;
