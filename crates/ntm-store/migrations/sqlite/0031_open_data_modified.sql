-- Open data (issue 16, docs/open-data.md): the reads behind the unit-status collection and
-- the catalogue's change dates (dct:modified) without scanning whole tables.
-- Verified values only, in the unit-status collection's key order (unit record, set, year):
-- the collection pages by key on this index and never reads drafts. The status is written
-- as a literal in the queries so that both engines match the predicate.
CREATE INDEX observations_verified ON observations (unit_id, set_id, year)
    WHERE status = 'verified';
-- The last value verified: the "NTM results per year" dataset's change date.
CREATE INDEX observations_verified_at ON observations (created_at)
    WHERE status = 'verified';
-- The last measure value entered: with the last verified value, the plan progress dataset's.
CREATE INDEX plan_measure_values_created ON plan_measure_values (created_at);
-- The last change of a report: the feedback reports dataset's change date.
CREATE INDEX feedback_reports_updated ON feedback_reports (updated_at);
