-- Rural tourism (issue 16 item 3, docs/tourism.md): points of interest of a commune with
-- narration in Vietnamese and English, photos and audio (files stored content-addressed
-- under <data_dir>/tourism/), OCOP products sold at a point, and tours as ordered lists of
-- points. Draft or published; sample rows are marked.
CREATE TABLE tourism_points (
    id            UUID    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('homestay', 'craft_village', 'relic',
                      'eco_tourism', 'ocop_sales')),
    name          TEXT    NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    lon           DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN 101.5 AND 118.0),
    lat           DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN 6.0 AND 24.0),
    boundary_checked BOOLEAN NOT NULL,
    address       TEXT    NOT NULL,
    opening       TEXT    NOT NULL,
    contact       TEXT    NOT NULL,
    narration_vi  TEXT    NOT NULL CHECK (char_length(narration_vi) >= 1),
    narration_en  TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    sample        BOOLEAN NOT NULL,
    published_at  TIMESTAMPTZ,
    author        TEXT    NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tourism_points_unit ON tourism_points (unit_code, status, id);
CREATE INDEX tourism_points_status ON tourism_points (status, id);

CREATE TABLE tourism_point_photos (
    id           UUID    NOT NULL PRIMARY KEY,
    point_id     UUID    NOT NULL REFERENCES tourism_points (id),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX tourism_point_photos_point ON tourism_point_photos (point_id);

-- One narration audio per language; a new file replaces the row.
CREATE TABLE tourism_point_audio (
    point_id     UUID    NOT NULL REFERENCES tourism_points (id),
    lang         TEXT    NOT NULL CHECK (lang IN ('vi', 'en')),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL CHECK (content_type IN ('audio/mpeg', 'audio/ogg')),
    size         BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (point_id, lang)
);

CREATE TABLE tourism_point_products (
    point_id   UUID NOT NULL REFERENCES tourism_points (id),
    product_id UUID NOT NULL REFERENCES ocop_products (id),
    PRIMARY KEY (point_id, product_id)
);

CREATE TABLE tourism_tours (
    id             UUID    NOT NULL PRIMARY KEY,
    unit_code      TEXT    NOT NULL,
    unit_path      TEXT    NOT NULL,
    province_code  TEXT    NOT NULL,
    title_vi       TEXT    NOT NULL CHECK (char_length(title_vi) BETWEEN 1 AND 200),
    title_en       TEXT    NOT NULL,
    description_vi TEXT    NOT NULL,
    description_en TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    sample         BOOLEAN NOT NULL,
    author         TEXT    NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tourism_tours_unit ON tourism_tours (unit_code, status, id);

CREATE TABLE tourism_tour_stops (
    tour_id  UUID    NOT NULL REFERENCES tourism_tours (id),
    seq      BIGINT NOT NULL,
    point_id UUID    NOT NULL REFERENCES tourism_points (id),
    PRIMARY KEY (tour_id, seq)
);
CREATE INDEX tourism_tour_stops_point ON tourism_tour_stops (point_id);
