-- Citizen satisfaction survey campaigns (lấy ý kiến sự hài lòng của người dân).
-- `survey_campaigns`: one campaign per unit, set and year (several allowed, e.g. a re-run);
-- `questionnaire` is the domain `Questionnaire` as JSON; `code` is the short public code.
CREATE TABLE survey_campaigns (
    id            UUID        NOT NULL PRIMARY KEY,
    code          TEXT        NOT NULL,
    unit_id       UUID        NOT NULL REFERENCES units (id),
    unit_code     TEXT        NOT NULL,
    set_id        TEXT        NOT NULL,
    year          INTEGER     NOT NULL,
    title         TEXT        NOT NULL,
    questionnaire TEXT        NOT NULL,
    opens_at      TIMESTAMPTZ NOT NULL,
    closes_at     TIMESTAMPTZ NOT NULL,
    status        TEXT        NOT NULL,
    created_by    TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX survey_campaigns_code ON survey_campaigns (code);
CREATE INDEX survey_campaigns_unit ON survey_campaigns (unit_code, year);

-- One-time tokens: only a hash of each token is kept, with its hamlet and when it was used.
CREATE TABLE survey_tokens (
    campaign_id UUID        NOT NULL REFERENCES survey_campaigns (id),
    token_hash  TEXT        NOT NULL,
    hamlet_code TEXT        NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    PRIMARY KEY (campaign_id, token_hash)
);

-- Answers, append-only. `household_key` is `t:<token hash>`, `p:<salted phone hash>` or
-- `h:<household id>` (paper forms); the unique index counts each household once.
CREATE TABLE survey_answers (
    id            UUID        NOT NULL PRIMARY KEY,
    campaign_id   UUID        NOT NULL REFERENCES survey_campaigns (id),
    household_key TEXT        NOT NULL,
    hamlet_code   TEXT        NOT NULL,
    answer        TEXT        NOT NULL,
    extra         TEXT        NOT NULL,
    channel       TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX survey_answers_household ON survey_answers (campaign_id, household_key);
CREATE INDEX survey_answers_tally ON survey_answers (campaign_id, hamlet_code, answer);

CREATE FUNCTION survey_answers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'survey answers are append-only';
END;
$$;

CREATE TRIGGER survey_answers_no_update_delete BEFORE UPDATE OR DELETE ON survey_answers
    FOR EACH ROW EXECUTE FUNCTION survey_answers_append_only();
