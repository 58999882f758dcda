-- The commune portal (issue 17 item 3, docs/portal.md): news posts of a commune (HTML
-- sanitized before it is stored, a fixed list of categories, draft or published), their
-- photos (files stored content-addressed under <data_dir>/portal/), and the loudspeaker
-- schedule: programmes with their segments and a "held" record.
CREATE TABLE portal_posts (
    id            UUID    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    title         TEXT    NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    body          TEXT    NOT NULL,
    category      TEXT    NOT NULL CHECK (category IN ('tin-tuc', 'thong-bao', 'nong-thon-moi',
                      'chuyen-doi-so')),
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    published_at  TIMESTAMPTZ,
    published_on  DATE,
    author        TEXT    NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX portal_posts_unit ON portal_posts (unit_code, status, published_at, id);
CREATE INDEX portal_posts_province ON portal_posts (province_code, status, published_at, id);

CREATE TABLE portal_post_photos (
    id           UUID    NOT NULL PRIMARY KEY,
    post_id      UUID    NOT NULL REFERENCES portal_posts (id),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX portal_post_photos_post ON portal_post_photos (post_id);

CREATE TABLE portal_programmes (
    id            UUID    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    air_date      DATE    NOT NULL,
    air_time      TEXT    NOT NULL,
    title         TEXT    NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    held_at       TIMESTAMPTZ,
    held_by       TEXT,
    held_note     TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT    NOT NULL
);
CREATE INDEX portal_programmes_unit ON portal_programmes (unit_code, air_date, id);

CREATE TABLE portal_segments (
    programme_id UUID    NOT NULL REFERENCES portal_programmes (id),
    seq          BIGINT NOT NULL,
    topic        TEXT    NOT NULL CHECK (char_length(topic) BETWEEN 1 AND 200),
    dx           BOOLEAN NOT NULL,
    PRIMARY KEY (programme_id, seq)
);
