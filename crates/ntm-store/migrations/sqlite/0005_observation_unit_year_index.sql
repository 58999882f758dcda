-- Current values of some units for a set and year (evaluations, dashboards, templates) are
-- read by unit: this index serves `unit_id IN (…) AND set_id = ? AND year = ?` and the
-- "highest version" subquery in one range each. Without it the planner scanned every value
-- of the year in the country (observations_set_year) for each province: 19 s instead of
-- well under a second for a national year of 583,000 values (docs/perf.md).
CREATE INDEX observations_unit_set_year
    ON observations (unit_id, set_id, year, indicator_code, version);
