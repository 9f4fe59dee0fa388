-- reads: file_loads, headline_figures
-- writes: nothing (a query: the run's summary, one row)
-- reads too: previous.file_loads, previous.headline_figures (the published warehouse, attached)
-- run_summary: this build's counts and what changed since the previously published warehouse
-- (attached as `previous`, or an empty stand-in when there is none). One row.
WITH files AS (
    SELECT
        count(*)                                      AS files_seen,
        count(*) FILTER (WHERE status = 'refused')    AS files_refused,
        coalesce(sum(rows_loaded), 0)                 AS rows_loaded,
        coalesce(sum(rows_rejected), 0)               AS rows_rejected,
        sha256(coalesce(string_agg(source_file || ':' || sha256, '|' ORDER BY source_file), ''))
                                                      AS input_fingerprint
    FROM file_loads
), changed_figures AS (
    SELECT count(*) > 0 AS figures_changed FROM (
        (SELECT inspection_id, metric, numerator, denominator FROM headline_figures
         EXCEPT SELECT inspection_id, metric, numerator, denominator FROM previous.headline_figures)
        UNION ALL
        (SELECT inspection_id, metric, numerator, denominator FROM previous.headline_figures
         EXCEPT SELECT inspection_id, metric, numerator, denominator FROM headline_figures)
    )
), file_changes AS (
    SELECT
        string_agg(n.source_file, ', ' ORDER BY n.source_file)
            FILTER (WHERE o.source_file IS NULL)                          AS added,
        string_agg(n.source_file, ', ' ORDER BY n.source_file)
            FILTER (WHERE o.source_file IS NOT NULL AND o.sha256 <> n.sha256) AS changed
    FROM file_loads AS n
    LEFT JOIN previous.file_loads AS o USING (source_file)
), removed AS (
    SELECT string_agg(source_file, ', ' ORDER BY source_file) AS removed
    FROM previous.file_loads
    WHERE source_file NOT IN (SELECT source_file FROM file_loads)
)
SELECT
    files.*,
    changed_figures.figures_changed,
    nullif(concat_ws('; ',
        'added: ' || file_changes.added,
        'changed: ' || file_changes.changed,
        'removed: ' || removed.removed), '') AS input_changes
FROM files, changed_figures, file_changes, removed;
