-- OCOP products (issue 15, parts 1–2): producers, products, the producer's dossier documents
-- (uploaded once, linked to every round), evaluation rounds with their council members and
-- score sheets, and decisions (stars, certificate). An imported rating (from a published list)
-- is a decision without a round, with its source URL. The product row carries its current
-- decision's stars for the public catalogue (updated with the decision, in one transaction).
CREATE TABLE ocop_producers (
    id            BLOB    NOT NULL PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    kind          TEXT    CHECK (kind IN ('cooperative', 'enterprise', 'household_business', 'cooperative_group')),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    address       TEXT,
    legal_id      TEXT,
    phone         TEXT,
    email         TEXT,
    owner_user_id BLOB    REFERENCES users (id),
    sample        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL
);
CREATE INDEX ocop_producers_path ON ocop_producers (unit_path);
CREATE INDEX ocop_producers_owner ON ocop_producers (owner_user_id);

CREATE TABLE ocop_products (
    id            BLOB    NOT NULL PRIMARY KEY,
    producer_id   BLOB    NOT NULL REFERENCES ocop_producers (id),
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    search_key    TEXT    NOT NULL,
    product_group INTEGER CHECK (product_group BETWEEN 1 AND 6),
    product_set   TEXT,
    where_to_buy  TEXT,
    photo_path    TEXT,
    photo_type    TEXT,
    stars         INTEGER CHECK (stars BETWEEN 1 AND 5),
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    UNIQUE (producer_id, search_key)
);
CREATE INDEX ocop_products_catalogue ON ocop_products (province_code, search_key, id);
CREATE INDEX ocop_products_path ON ocop_products (unit_path);

CREATE TABLE ocop_documents (
    id          BLOB    NOT NULL PRIMARY KEY,
    producer_id BLOB    NOT NULL REFERENCES ocop_producers (id),
    title       TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    stored_path TEXT    NOT NULL,
    uploaded_by TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX ocop_documents_producer ON ocop_documents (producer_id);

CREATE TABLE ocop_rounds (
    id         BLOB NOT NULL PRIMARY KEY,
    product_id BLOB NOT NULL REFERENCES ocop_products (id),
    level      TEXT NOT NULL CHECK (level IN ('commune', 'district', 'province', 'central')),
    held_on    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX ocop_rounds_product ON ocop_rounds (product_id);

CREATE TABLE ocop_round_members (
    round_id BLOB NOT NULL REFERENCES ocop_rounds (id),
    user_id  BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE ocop_round_documents (
    round_id    BLOB NOT NULL REFERENCES ocop_rounds (id),
    document_id BLOB NOT NULL REFERENCES ocop_documents (id),
    PRIMARY KEY (round_id, document_id)
);

-- Points per part as a JSON object ({"A": 30.5, "B": 20, "C": 25}), checked by the domain.
CREATE TABLE ocop_score_sheets (
    id         BLOB NOT NULL PRIMARY KEY,
    round_id   BLOB NOT NULL REFERENCES ocop_rounds (id),
    member_id  BLOB NOT NULL REFERENCES users (id),
    points     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (round_id, member_id)
);

CREATE TABLE ocop_decisions (
    id             BLOB    NOT NULL PRIMARY KEY,
    product_id     BLOB    NOT NULL REFERENCES ocop_products (id),
    round_id       BLOB    UNIQUE REFERENCES ocop_rounds (id),
    stars          INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    average        REAL,
    year           INTEGER NOT NULL,
    certificate_no TEXT,
    issued_on      TEXT,
    valid_until    TEXT,
    imported       INTEGER NOT NULL DEFAULT 0,
    source_url     TEXT,
    source_note    TEXT,
    status_text    TEXT,
    superseded_on  TEXT,
    superseded_by  BLOB,
    created_at     TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    CHECK (imported = 1 OR round_id IS NOT NULL),
    CHECK (imported = 0 OR source_url IS NOT NULL)
);
CREATE INDEX ocop_decisions_product ON ocop_decisions (product_id);
CREATE INDEX ocop_decisions_valid_until ON ocop_decisions (valid_until);

CREATE TABLE ocop_reminders (
    decision_id BLOB NOT NULL REFERENCES ocop_decisions (id),
    reminder    TEXT NOT NULL CHECK (reminder IN ('days90', 'days30')),
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (decision_id, reminder)
);
