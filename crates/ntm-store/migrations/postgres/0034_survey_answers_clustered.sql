-- Survey answers indexed in the order they are counted (issue 18 item 4: the public answer
-- path at 5,000 answers/s).
--
-- Until now each answer went into three B-trees at random places: the primary key on its
-- random id, the household index on its random key `a:<id>`, and the tally index (campaign,
-- hamlet, answer). Now one: the primary key is (campaign, hamlet, answer, random id), which
-- the counts read, and the household index holds only the keys that can repeat — paper
-- forms' `h:<household>` (a second form of one household is still refused); the answers'
-- random `a:` keys are unique by construction (the answer's random id). `id` stays random
-- (UUID v4): nothing stored tells when an answer came (migration 0017).
ALTER TABLE survey_answers DROP CONSTRAINT survey_answers_pkey;
ALTER TABLE survey_answers
    ADD CONSTRAINT survey_answers_pkey PRIMARY KEY (campaign_id, hamlet_code, answer, id);
DROP INDEX survey_answers_tally;
DROP INDEX survey_answers_household;
CREATE UNIQUE INDEX survey_answers_household ON survey_answers (campaign_id, household_key)
    WHERE substr(household_key, 1, 2) <> 'a:';
