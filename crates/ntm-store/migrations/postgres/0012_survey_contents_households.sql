-- Survey contents and households (issue 5).
-- `contents`: a household's answers on the contents of NTM building listed by the
-- campaign's questionnaire, one character per content (`1` satisfied, `0` not satisfied,
-- `-` blank); '' for forms without contents (every answer stored before this migration).
ALTER TABLE survey_answers ADD COLUMN contents TEXT NOT NULL DEFAULT '';

-- Households per hamlet of a campaign, entered by officers (the denominator of the share of
-- households surveyed). `hamlet_code` '' holds the campaign's total when hamlets are unknown.
CREATE TABLE survey_households (
    campaign_id UUID        NOT NULL REFERENCES survey_campaigns (id),
    hamlet_code TEXT        NOT NULL,
    households  BIGINT      NOT NULL CHECK (households >= 0),
    updated_by  TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, hamlet_code)
);
