-- Raw-material areas (vùng trồng / vùng nguyên liệu, issue 15 part 3) and unit boundaries.
-- An area: its code (format not confirmed nationally: bounded, safe characters, unique per
-- province), crop, declared hectares in hundredths, the polygon as GeoJSON text with its
-- bounding box and geodesic area, whether it was checked against a commune boundary; its
-- owners (OCOP producer records), certifications with validity dates, and seasons.
-- Boundaries: one outline per unit record (GeoJSON text + bounding box, no PostGIS), with
-- the file's source and licence notice, replaced when loaded again.
CREATE TABLE unit_boundaries (
    unit_id     BLOB    NOT NULL PRIMARY KEY REFERENCES units (id),
    unit_code   TEXT    NOT NULL,
    valid_from  TEXT,
    valid_to    TEXT,
    geojson     TEXT    NOT NULL,
    min_lon     REAL    NOT NULL,
    min_lat     REAL    NOT NULL,
    max_lon     REAL    NOT NULL,
    max_lat     REAL    NOT NULL,
    source      TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
    licence     TEXT    NOT NULL CHECK (length(licence) BETWEEN 1 AND 500),
    loaded_at   TEXT    NOT NULL,
    loaded_by   TEXT    NOT NULL
);
CREATE INDEX unit_boundaries_code ON unit_boundaries (unit_code);

CREATE TABLE areas (
    id            BLOB    NOT NULL PRIMARY KEY,
    code          TEXT    NOT NULL CHECK (length(code) BETWEEN 2 AND 40),
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    crop          TEXT    NOT NULL CHECK (length(crop) BETWEEN 1 AND 200),
    hectares_x100 INTEGER NOT NULL CHECK (hectares_x100 > 0),
    computed_ha   REAL    NOT NULL,
    geojson       TEXT    NOT NULL,
    min_lon       REAL    NOT NULL,
    min_lat       REAL    NOT NULL,
    max_lon       REAL    NOT NULL,
    max_lat       REAL    NOT NULL,
    boundary_checked INTEGER NOT NULL,
    sample        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    UNIQUE (province_code, code)
);
CREATE INDEX areas_path ON areas (unit_path);

CREATE TABLE area_producers (
    area_id     BLOB NOT NULL REFERENCES areas (id),
    producer_id BLOB NOT NULL REFERENCES ocop_producers (id),
    PRIMARY KEY (area_id, producer_id)
);
CREATE INDEX area_producers_producer ON area_producers (producer_id);

CREATE TABLE area_certifications (
    id             BLOB NOT NULL PRIMARY KEY,
    area_id        BLOB NOT NULL REFERENCES areas (id),
    kind           TEXT NOT NULL CHECK (kind IN ('vietgap', 'globalgap', 'organic', 'other')),
    scheme         TEXT,
    certificate_no TEXT NOT NULL CHECK (length(certificate_no) BETWEEN 1 AND 200),
    issuer         TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
    valid_from     TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK (valid_until >= valid_from)
);
CREATE INDEX area_certifications_area ON area_certifications (area_id);

CREATE TABLE area_seasons (
    id         BLOB NOT NULL PRIMARY KEY,
    area_id    BLOB NOT NULL REFERENCES areas (id),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    crop       TEXT,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX area_seasons_area ON area_seasons (area_id, starts_on);
