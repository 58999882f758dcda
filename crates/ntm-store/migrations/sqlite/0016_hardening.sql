-- Login throttling counters (ntm_domain::login_throttle): one row per hashed key (an
-- address, an account, or an account × address). Attempts are reserved before the
-- password is checked, with a compare-and-swap on `version`, so parallel guesses cannot
-- all be verified. Replaces the per-failure rows of `login_failures` (no longer written).
CREATE TABLE login_throttle (
    key_hash     TEXT    NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT    NOT NULL,
    next_at      TEXT    NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- Survey phone answers are off unless a campaign enables them, and then only numbers on
-- the household phone list the commune imported are accepted. Numbers are stored as the
-- same keyed hash as the answers' household key (`p:<HMAC>`), never in clear.
CREATE TABLE survey_phone_lists (
    campaign_id BLOB    NOT NULL PRIMARY KEY REFERENCES survey_campaigns (id),
    enabled     INTEGER NOT NULL,
    phones      INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE TABLE survey_phones (
    campaign_id BLOB NOT NULL REFERENCES survey_campaigns (id),
    phone_key   TEXT NOT NULL,
    hamlet_code TEXT NOT NULL,
    PRIMARY KEY (campaign_id, phone_key)
);
