-- Survey answers stored in the order they are counted (issue 18 item 4: the public answer
-- path at 5,000 answers/s).
--
-- Until now each answer was written at three random places: the table on its random id, the
-- household index on its random key `a:<id>`, and the tally index (campaign, hamlet, answer)
-- whose entries end with that random id. Each is a page of the write-ahead log per answer.
-- Now the table itself is kept in the tally's order, (campaign, hamlet, answer, random id), so
-- an answer is written at one random place:
--
-- * the tally index is gone: the table is that order (counts read a range of the table);
-- * the household index is kept for the keys that can repeat — paper forms' `h:<household>`
--   (a second form of one household is still refused) — and no longer holds the answers'
--   random `a:` keys, unique by construction (the answer's random id);
-- * `id` stays random (UUID v4) and last in the key, so inside a hamlet and answer the rows
--   are in a random order, as before (migration 0017): nothing stored tells when an answer
--   came or which came first.
CREATE TABLE survey_answers_0034 (
    id            BLOB NOT NULL,
    campaign_id   BLOB NOT NULL REFERENCES survey_campaigns (id),
    household_key TEXT NOT NULL,
    hamlet_code   TEXT NOT NULL,
    answer        TEXT NOT NULL,
    extra         TEXT NOT NULL,
    channel       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    contents      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, hamlet_code, answer, id)
) WITHOUT ROWID;
INSERT INTO survey_answers_0034
    (id, campaign_id, household_key, hamlet_code, answer, extra, channel, created_at, contents)
SELECT id, campaign_id, household_key, hamlet_code, answer, extra, channel, created_at, contents
FROM survey_answers;
DROP TABLE survey_answers;
ALTER TABLE survey_answers_0034 RENAME TO survey_answers;
CREATE UNIQUE INDEX survey_answers_household ON survey_answers (campaign_id, household_key)
    WHERE substr(household_key, 1, 2) <> 'a:';
CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers
BEGIN SELECT RAISE(ABORT, 'survey answers are append-only'); END;
CREATE TRIGGER survey_answers_no_delete BEFORE DELETE ON survey_answers
BEGIN SELECT RAISE(ABORT, 'survey answers are append-only'); END;
