-- Survey anonymity that survives a database dump (security review, issue 14 finding 6).
--
-- * A token or a listed phone number is marked used by a flag without a time; the answer
--   is stored with a random household key (`a:<random>`), a random id and the day only,
--   in the same transaction. Nothing stored with an answer equals or derives from what is
--   stored with the slip or the number. "Answered once" is the flag (`UPDATE … WHERE NOT
--   used`), no longer the answers' unique key.
-- * Existing rows are rewritten the same way: tokens used keep `used`, their time is
--   dropped; phone keys that answered are marked used on the list (added as used rows when
--   they were not listed), so they still cannot answer twice; answers get random ids and
--   keys (paper `h:` keys stay), the day in UTC+7 as their time, and a random order.
-- * The phone HMAC secret (`settings` `survey.phone_secret`) is left for the server to move
--   into a key file outside the database on start-up (`ntm_app::surveys::key`), which then
--   deletes it from `settings`; a migration cannot write that file.

ALTER TABLE survey_tokens ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
UPDATE survey_tokens SET used = 1 WHERE used_at IS NOT NULL;
ALTER TABLE survey_tokens DROP COLUMN used_at;

ALTER TABLE survey_phones ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
UPDATE survey_phones SET used = 1 WHERE EXISTS (
    SELECT 1 FROM survey_answers a
    WHERE a.campaign_id = survey_phones.campaign_id AND a.household_key = survey_phones.phone_key
);
INSERT INTO survey_phones (campaign_id, phone_key, hamlet_code, used)
SELECT campaign_id, household_key, MIN(hamlet_code), 1 FROM survey_answers a
WHERE substr(household_key, 1, 2) = 'p:' AND NOT EXISTS (
    SELECT 1 FROM survey_phones p
    WHERE p.campaign_id = a.campaign_id AND p.phone_key = a.household_key
)
GROUP BY campaign_id, household_key;

-- Answers: rebuilt WITHOUT ROWID (no insertion-ordered rowid) on a random primary key.
CREATE TABLE survey_answers_0017 (
    id            BLOB NOT NULL PRIMARY KEY,
    campaign_id   BLOB NOT NULL REFERENCES survey_campaigns (id),
    household_key TEXT NOT NULL,
    hamlet_code   TEXT NOT NULL,
    answer        TEXT NOT NULL,
    extra         TEXT NOT NULL,
    channel       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    contents      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO survey_answers_0017
    (id, campaign_id, household_key, hamlet_code, answer, extra, channel, created_at, contents)
SELECT randomblob(16), campaign_id,
       CASE WHEN substr(household_key, 1, 2) IN ('t:', 'p:')
            THEN 'a:' || lower(hex(randomblob(16))) ELSE household_key END,
       hamlet_code, answer, extra, channel,
       date(created_at, '+7 hours') || 'T00:00:00.000000Z', contents
FROM survey_answers ORDER BY random();
DROP TABLE survey_answers;
ALTER TABLE survey_answers_0017 RENAME TO survey_answers;
CREATE UNIQUE INDEX survey_answers_household ON survey_answers (campaign_id, household_key);
CREATE INDEX survey_answers_tally ON survey_answers (campaign_id, hamlet_code, answer);
CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers
BEGIN SELECT RAISE(ABORT, 'survey answers are append-only'); END;
CREATE TRIGGER survey_answers_no_delete BEFORE DELETE ON survey_answers
BEGIN SELECT RAISE(ABORT, 'survey answers are append-only'); END;
