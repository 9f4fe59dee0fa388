-- The files this run adds to those of the last build, when it only adds files: every file
-- loaded then is loaded now under the same name and content and was not read again (a new run
-- date can change its verdicts), and the rules that compare rows ($cross_row_rules) judge
-- those files' rows exactly as they did. Otherwise only the row saying append_possible =
-- false. From the last build's file_loads and rejected_rows, this run's
-- staging.current_files and staging.cross_row_reasons, and $staged_this_run (the contents
-- read this run).
WITH before AS (
    SELECT source_file, sha256 FROM file_loads WHERE status = 'loaded'
), cross_before AS (
    SELECT DISTINCT source_file, source_row FROM rejected_rows
    WHERE list_contains($cross_row_rules, rule)
), cross_now AS (
    SELECT DISTINCT f.source_file, x.source_row
    FROM staging.cross_row_reasons AS x
    JOIN staging.current_files AS f USING (sha256)
    SEMI JOIN before AS b USING (source_file, sha256)
), possible AS (
    SELECT
        (SELECT count(*) FROM before SEMI JOIN staging.current_files USING (source_file, sha256))
            = (SELECT count(*) FROM before)
        AND NOT coalesce(list_has_any($staged_this_run::VARCHAR[], (SELECT list(sha256) FROM before)),
                     false)
        AND NOT EXISTS (FROM cross_before EXCEPT FROM cross_now)
        AND NOT EXISTS (FROM cross_now EXCEPT FROM cross_before) AS ok
)
SELECT c.source_file, c.sha256, (SELECT ok FROM possible) AS append_possible
FROM staging.current_files AS c
ANTI JOIN before AS b USING (source_file, sha256)
WHERE (SELECT ok FROM possible)
UNION ALL
SELECT NULL, NULL, (SELECT ok FROM possible);
