#!/usr/bin/env python3
"""The criteria roll-up of one year written as SQL in DuckDB, on the synthetic national dataset.

    cargo run -p ntm-bench --release --bin export-synthetic -- /tmp/ntm-synth
    pip install duckdb
    python3 scripts/duckdb-compare.py /tmp/ntm-synth [--year 2023] [--runs 20] [--threads 1]

Loads units.csv, observations.csv and thresholds.csv (written by export-synthetic) into DuckDB
tables, then times (best of --runs) one query that computes, like the Rust engine:

- per commune and indicator: met / not met on the recorded threshold of the commune's region,
  no threshold (unknown), or missing value;
- per commune: criteria met (every indicator of the criterion met: pass "all"; one: "any"),
  whether it has a missing value, whether it "meets" (no indicator short, none missing: the demo
  rule, `ntm_domain::criteria::demo::counts_as_meeting`);
- per district, province and the country: units, units with a missing value, units meeting,
  the buckets of criteria met (19, 15-18, 10-14, 5-9, 0-4) and the sum of criteria met.

Every threshold of this set is still unconfirmed, so the engine's "criteria met (tentative)"
is what the SQL computes. The result must equal rust-results.csv row for row; the script exits
with status 1 otherwise. See docs/perf.md.
"""

import argparse
import csv
import sys
import time

import duckdb

QUERY = """
WITH ev AS (
    SELECT u.unit_code, u.district, u.province, t.criterion, t.pass,
           CASE
               WHEN o.value IS NULL THEN 'missing'
               WHEN t.op IS NULL THEN 'unknown'
               WHEN (t.op = '>=' AND o.value >= t.value)
                 OR (t.op = '<=' AND o.value <= t.value)
                 OR (t.op = '==' AND abs(o.value - t.value) <= 1e-9) THEN 'met'
               ELSE 'not_met'
           END AS outcome
    FROM units u
    JOIN thresholds t ON t.region = u.region
    LEFT JOIN {obs} o
           ON o.unit_code = u.unit_code AND o.indicator = t.indicator AND o.year = $year
),
crit AS (
    SELECT unit_code, district, province, criterion,
           CASE WHEN any_value(pass) = 'all' THEN bool_and(outcome = 'met')
                ELSE bool_or(outcome = 'met') END AS met,
           bool_or(outcome = 'missing') AS has_missing,
           bool_or(outcome = 'not_met') AS has_short
    FROM ev
    GROUP BY unit_code, district, province, criterion
),
unit AS (
    SELECT unit_code, district, province,
           count(*) FILTER (WHERE met) AS criteria_met,
           bool_or(has_missing) AS has_missing,
           NOT bool_or(has_missing) AND NOT bool_or(has_short) AS meets
    FROM crit
    GROUP BY unit_code, district, province
),
n AS (SELECT count(DISTINCT criterion) AS n FROM thresholds),
per_unit AS (
    SELECT unit.*,
           -- bucket edges as in ntm_domain::criteria::bucket_edges (19 criteria: 19, 15, 10, 5)
           CASE WHEN criteria_met = n THEN 'b19'
                WHEN criteria_met >= (n * 30 + 19) // 38 THEN 'b15_18'
                WHEN criteria_met >= (n * 20 + 19) // 38 THEN 'b10_14'
                WHEN criteria_met >= (n * 10 + 19) // 38 THEN 'b5_9'
                ELSE 'b0_4' END AS bucket
    FROM unit, n
)
SELECT level, code, count(*) AS units,
       count(*) FILTER (WHERE has_missing) AS missing,
       count(*) FILTER (WHERE meets) AS meeting,
       count(*) FILTER (WHERE bucket = 'b19') AS b19,
       count(*) FILTER (WHERE bucket = 'b15_18') AS b15_18,
       count(*) FILTER (WHERE bucket = 'b10_14') AS b10_14,
       count(*) FILTER (WHERE bucket = 'b5_9') AS b5_9,
       count(*) FILTER (WHERE bucket = 'b0_4') AS b0_4,
       sum(criteria_met) AS sum_criteria_met
FROM (
    SELECT 'district' AS level, district AS code, * FROM per_unit
    UNION ALL SELECT 'province', province, * FROM per_unit
    UNION ALL SELECT 'country', 'VN', * FROM per_unit
)
GROUP BY level, code
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    con = duckdb.connect()
    con.execute(f"SET threads = {int(a.threads)}")
    t0 = time.perf_counter()
    con.execute(
        "CREATE TABLE units AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [f"{a.dir}/units.csv"],
    )
    con.execute(
        """CREATE TABLE obs AS SELECT * FROM read_csv(?, header = true, columns = {
             'unit_code': 'VARCHAR', 'district': 'VARCHAR', 'province': 'VARCHAR',
             'indicator': 'VARCHAR', 'year': 'INTEGER', 'value': 'DOUBLE'})""",
        [f"{a.dir}/observations.csv"],
    )
    con.execute(
        """CREATE TABLE thresholds AS SELECT * FROM read_csv(?, header = true, columns = {
             'region': 'VARCHAR', 'indicator': 'VARCHAR', 'position': 'INTEGER',
             'criterion': 'INTEGER', 'pass': 'VARCHAR', 'op': 'VARCHAR', 'value': 'DOUBLE'})""",
        [f"{a.dir}/thresholds.csv"],
    )
    load = time.perf_counter() - t0
    n_obs = con.execute("SELECT count(*) FROM obs").fetchone()[0]
    print(f"duckdb {duckdb.__version__}, threads {a.threads}: loaded {n_obs} observation rows "
          f"in {load:.2f} s")

    # The year's rows in their own table: what the Rust side starts from (observations of one
    # year, already read), so the second timing is the like-for-like one.
    con.execute("CREATE TABLE obs_year AS SELECT * FROM obs WHERE year = ?", [a.year])
    results = {}
    for table, what in [("obs", "all 5 years, filtered by year"),
                        ("obs_year", "the year's rows only")]:
        q = QUERY.replace("{obs}", table)
        best = float("inf")
        rows = []
        for _ in range(a.runs):
            t = time.perf_counter()
            rows = con.execute(q, {"year": a.year}).fetchall()
            best = min(best, time.perf_counter() - t)
        print(f"duckdb query on {table} ({what}), best of {a.runs}: {best * 1e3:.1f} ms")
        results[table] = rows
    if sorted(results["obs"]) != sorted(results["obs_year"]):
        print("MISMATCH between the two DuckDB tables")
        return 1
    rows = results["obs_year"]

    got = {(r[0], r[1]): tuple(int(x) for x in r[2:]) for r in rows}
    with open(f"{a.dir}/rust-results.csv", newline="") as f:
        want = {
            (r["level"], r["code"]): tuple(int(float(r[k])) for k in list(r)[2:])
            for r in csv.DictReader(f)
        }
    bad = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
    country = got.get(("country", "VN"))
    print("country (units, missing, meeting, b19, b15_18, b10_14, b5_9, b0_4, sum criteria met):",
          country)
    if bad:
        for k in bad[:10]:
            print(f"MISMATCH {k}: duckdb {got.get(k)} rust {want.get(k)}")
        print(f"{len(bad)} of {len(want)} rows differ")
        return 1
    print(f"all {len(want)} rows (districts with communes, provinces, country) equal the Rust roll-ups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
