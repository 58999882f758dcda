-- The commune portal (issue 17 item 3, docs/portal.md): news posts of a commune (HTML
-- sanitized before it is stored, a fixed list of categories, draft or published), their
-- photos (files stored content-addressed under <data_dir>/portal/), and the loudspeaker
-- schedule: programmes with their segments and a "held" record.
CREATE TABLE portal_posts (
    id            BLOB    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body          TEXT    NOT NULL,
    category      TEXT    NOT NULL CHECK (category IN ('tin-tuc', 'thong-bao', 'nong-thon-moi',
                      'chuyen-doi-so')),
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    published_at  TEXT,
    published_on  TEXT,
    author        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX portal_posts_unit ON portal_posts (unit_code, status, published_at, id);
CREATE INDEX portal_posts_province ON portal_posts (province_code, status, published_at, id);

CREATE TABLE portal_post_photos (
    id           BLOB    NOT NULL PRIMARY KEY,
    post_id      BLOB    NOT NULL REFERENCES portal_posts (id),
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX portal_post_photos_post ON portal_post_photos (post_id);

CREATE TABLE portal_programmes (
    id            BLOB    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    air_date      TEXT    NOT NULL,
    air_time      TEXT    NOT NULL,
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    held_at       TEXT,
    held_by       TEXT,
    held_note     TEXT,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL
);
CREATE INDEX portal_programmes_unit ON portal_programmes (unit_code, air_date, id);

CREATE TABLE portal_segments (
    programme_id BLOB    NOT NULL REFERENCES portal_programmes (id),
    seq          INTEGER NOT NULL,
    topic        TEXT    NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
    dx           INTEGER NOT NULL,
    PRIMARY KEY (programme_id, seq)
);
