-- A review comment on an observation version: why a verifier returned the value to the
-- commune (status `returned`). NULL for every other version. The table stays append-only:
-- adding a column does not touch the UPDATE/DELETE triggers of 0002.
ALTER TABLE observations ADD COLUMN comment TEXT;
