-- Raw-material areas (vùng trồng / vùng nguyên liệu, issue 15 part 3) and unit boundaries.
-- An area: its code (format not confirmed nationally: bounded, safe characters, unique per
-- province), crop, declared hectares in hundredths, the polygon as GeoJSON text with its
-- bounding box and geodesic area, whether it was checked against a commune boundary; its
-- owners (OCOP producer records), certifications with validity dates, and seasons.
-- Boundaries: one outline per unit record (GeoJSON text + bounding box, no PostGIS), with
-- the file's source and licence notice, replaced when loaded again.
CREATE TABLE unit_boundaries (
    unit_id     UUID    NOT NULL PRIMARY KEY REFERENCES units (id),
    unit_code   TEXT    NOT NULL,
    valid_from  DATE,
    valid_to    DATE,
    geojson     TEXT    NOT NULL,
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    source      TEXT    NOT NULL CHECK (char_length(source) BETWEEN 1 AND 500),
    licence     TEXT    NOT NULL CHECK (char_length(licence) BETWEEN 1 AND 500),
    loaded_at   TIMESTAMPTZ    NOT NULL,
    loaded_by   TEXT    NOT NULL
);
CREATE INDEX unit_boundaries_code ON unit_boundaries (unit_code);

CREATE TABLE areas (
    id            UUID    NOT NULL PRIMARY KEY,
    code          TEXT    NOT NULL CHECK (char_length(code) BETWEEN 2 AND 40),
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    crop          TEXT    NOT NULL CHECK (char_length(crop) BETWEEN 1 AND 200),
    hectares_x100 BIGINT NOT NULL CHECK (hectares_x100 > 0),
    computed_ha   DOUBLE PRECISION NOT NULL,
    geojson       TEXT    NOT NULL,
    min_lon       DOUBLE PRECISION NOT NULL,
    min_lat       DOUBLE PRECISION NOT NULL,
    max_lon       DOUBLE PRECISION NOT NULL,
    max_lat       DOUBLE PRECISION NOT NULL,
    boundary_checked BOOLEAN NOT NULL,
    sample        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ    NOT NULL,
    created_by    TEXT    NOT NULL,
    updated_at    TIMESTAMPTZ    NOT NULL,
    updated_by    TEXT    NOT NULL,
    UNIQUE (province_code, code)
);
CREATE INDEX areas_path ON areas (unit_path);

CREATE TABLE area_producers (
    area_id     UUID NOT NULL REFERENCES areas (id),
    producer_id UUID NOT NULL REFERENCES ocop_producers (id),
    PRIMARY KEY (area_id, producer_id)
);
CREATE INDEX area_producers_producer ON area_producers (producer_id);

CREATE TABLE area_certifications (
    id             UUID NOT NULL PRIMARY KEY,
    area_id        UUID NOT NULL REFERENCES areas (id),
    kind           TEXT NOT NULL CHECK (kind IN ('vietgap', 'globalgap', 'organic', 'other')),
    scheme         TEXT,
    certificate_no TEXT NOT NULL CHECK (char_length(certificate_no) BETWEEN 1 AND 200),
    issuer         TEXT NOT NULL CHECK (char_length(issuer) BETWEEN 1 AND 200),
    valid_from     DATE NOT NULL,
    valid_until    DATE NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK (valid_until >= valid_from)
);
CREATE INDEX area_certifications_area ON area_certifications (area_id);

CREATE TABLE area_seasons (
    id         UUID NOT NULL PRIMARY KEY,
    area_id    UUID NOT NULL REFERENCES areas (id),
    name       TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    crop       TEXT,
    starts_on  DATE NOT NULL,
    ends_on    DATE,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX area_seasons_area ON area_seasons (area_id, starts_on);
