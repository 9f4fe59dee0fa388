-- The cases that may have entered or left a figure since the warehouse this publish replaces
-- (attached as `prior`), for revision_cases.sql: a case is in a metric by its own row and its
-- framework's definition only, so only a case whose row differs, or that is on one side only,
-- can have moved; unless a framework changed: then every case may have. A row is told from
-- its former self by two 64-bit hashes of it (a changed case is missed only if both
-- collide). Comparing all of metric_cases instead, ten rows a case, took 6 to 9 s at a
-- million cases where a file of 400 rows touched every inspection; this takes under one.
-- A table, not a common table expression: DuckDB then knows how few rows it holds, and
-- probes metric_cases against it.
CREATE OR REPLACE TEMP TABLE may_have_moved AS
WITH rules_changed AS (
    SELECT count(*) > 0 AS changed
    FROM main.frameworks AS n
    FULL JOIN prior.frameworks AS o USING (framework)
    WHERE n.sha256 IS DISTINCT FROM o.sha256
), rows_now AS (
    SELECT case_key, (hash(c), hash(c, 'again')) AS row_digest FROM main.case_audits AS c
), rows_before AS (
    SELECT case_key, (hash(c), hash(c, 'again')) AS row_digest FROM prior.case_audits AS c
)
SELECT case_key
FROM rows_now AS n
FULL JOIN rows_before AS b USING (case_key)
WHERE n.row_digest IS DISTINCT FROM b.row_digest OR (SELECT changed FROM rules_changed);
