-- This build's counts and what changed since the previously published warehouse (attached
-- as `previous`, or an empty stand-in when there is none), with $input_changes (the sentence
-- of input_changes.sql). One row.
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
)
SELECT
    files.*,
    changed_figures.figures_changed,
    $input_changes::VARCHAR AS input_changes
FROM files CROSS JOIN changed_figures;
