-- Every figure this publish revised (its counts changed), added or withdrew, against the
-- warehouse it replaces (attached as `prior`), with how many cases moved (revision_cases,
-- recorded just before for run $run_id) and a reason in words without file names.
WITH figures AS (
    SELECT
        coalesce(n.inspection_id, o.inspection_id) AS inspection_id,
        coalesce(n.force, o.force)                 AS force,
        coalesce(n.framework, o.framework)         AS framework,
        coalesce(n.metric, o.metric)               AS metric,
        CASE WHEN o.metric IS NULL THEN 'added'
             WHEN n.metric IS NULL THEN 'withdrawn'
             ELSE 'revised' END                    AS change,
        o.numerator AS previous_numerator, o.denominator AS previous_denominator,
        o.pct AS previous_pct, n.numerator, n.denominator, n.pct
    FROM main.headline_figures AS n
    FULL JOIN prior.headline_figures AS o USING (inspection_id, metric)
    WHERE o.metric IS NULL OR n.metric IS NULL
       OR (n.numerator, n.denominator) IS DISTINCT FROM (o.numerator, o.denominator)
), moved AS (
    SELECT inspection_id, metric,
           count(*) FILTER (WHERE movement = 'entered_numerator')   AS entered_numerator,
           count(*) FILTER (WHERE movement = 'left_numerator')      AS left_numerator,
           count(*) FILTER (WHERE movement = 'entered_denominator') AS entered_denominator,
           count(*) FILTER (WHERE movement = 'left_denominator')    AS left_denominator
    FROM revision_cases
    WHERE run_id = $run_id
    GROUP BY inspection_id, metric
), files AS (
    SELECT
        count(*) FILTER (WHERE o.source_file IS NULL)                              AS added,
        count(*) FILTER (WHERE o.source_file IS NOT NULL AND o.sha256 <> n.sha256) AS changed,
        (SELECT count(*) FROM prior.file_loads
         WHERE source_file NOT IN (SELECT source_file FROM main.file_loads))       AS removed
    FROM main.file_loads AS n
    LEFT JOIN prior.file_loads AS o USING (source_file)
)
INSERT INTO figure_revisions
SELECT
    $run_id,
    now(),
    f.inspection_id, f.force, f.framework, f.metric, f.change,
    f.previous_numerator, f.previous_denominator, f.previous_pct,
    f.numerator, f.denominator, f.pct,
    coalesce(m.entered_numerator, 0), coalesce(m.left_numerator, 0),
    coalesce(m.entered_denominator, 0), coalesce(m.left_denominator, 0),
    $input_changes,
    concat_ws('; ',
        CASE f.change
            WHEN 'added' THEN 'a new figure: its inspection or metric was not published before'
            WHEN 'withdrawn' THEN 'withdrawn: its inspection or metric is no longer published'
        END,
        nullif(concat_ws(', ',
            CASE WHEN m.entered_numerator > 0 THEN m.entered_numerator || ' case(s) now counted' END,
            CASE WHEN m.left_numerator > 0 THEN m.left_numerator || ' no longer counted' END,
            CASE WHEN m.entered_denominator > 0 THEN m.entered_denominator || ' added to the cases it is of' END,
            CASE WHEN m.left_denominator > 0 THEN m.left_denominator || ' no longer among them' END), ''),
        'input files: ' || nullif(concat_ws(', ',
            CASE WHEN files.added > 0 THEN files.added || ' added' END,
            CASE WHEN files.changed > 0 THEN files.changed || ' changed' END,
            CASE WHEN files.removed > 0 THEN files.removed || ' removed' END), ''),
        CASE WHEN files.added + files.changed + files.removed = 0
             THEN 'with the same input files (the rules, framework or settings changed)' END)
FROM figures AS f
LEFT JOIN moved AS m USING (inspection_id, metric)
CROSS JOIN files;
