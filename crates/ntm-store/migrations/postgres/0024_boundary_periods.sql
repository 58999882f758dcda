-- Unit boundaries over time (issue 16): a unit record's boundary is valid from a date (the
-- `--date` of its import) until the next import for the same record starts a new period.
-- Beside the checked GeoJSON: the copy drawn on maps (simplified once, at import), the
-- bounding box and the label point (also where a child unit without a boundary is drawn).
-- The one-outline-per-record table of 0021 is copied over (its period starts at the
-- record's start, or the day it was loaded when the start is unknown) and dropped.
CREATE TABLE unit_boundary_periods (
    unit_id     UUID    NOT NULL REFERENCES units (id),
    unit_code   TEXT    NOT NULL,
    valid_from  DATE    NOT NULL,
    valid_to    DATE,
    geojson     TEXT    NOT NULL,
    simplified  TEXT    NOT NULL,
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    label_lon   DOUBLE PRECISION NOT NULL,
    label_lat   DOUBLE PRECISION NOT NULL,
    source      TEXT    NOT NULL CHECK (char_length(source) BETWEEN 1 AND 500),
    licence     TEXT    NOT NULL CHECK (char_length(licence) BETWEEN 1 AND 500),
    loaded_at   TIMESTAMPTZ NOT NULL,
    loaded_by   TEXT    NOT NULL,
    PRIMARY KEY (unit_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX unit_boundary_periods_code ON unit_boundary_periods (unit_code);

INSERT INTO unit_boundary_periods (unit_id, unit_code, valid_from, valid_to, geojson,
    simplified, min_lon, min_lat, max_lon, max_lat, label_lon, label_lat, source, licence,
    loaded_at, loaded_by)
SELECT unit_id, unit_code, COALESCE(valid_from, loaded_at::date), NULL, geojson,
    geojson, min_lon, min_lat, max_lon, max_lat, (min_lon + max_lon) / 2,
    (min_lat + max_lat) / 2, source, licence, loaded_at, loaded_by
FROM unit_boundaries;

DROP TABLE unit_boundaries;
