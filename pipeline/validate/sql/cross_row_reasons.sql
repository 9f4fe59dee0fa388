-- staging.cross_row_reasons: the rules that compare rows with each other, over every row of
-- the current input files (valid or not), from staging.staged_rows, staging.current_files and
-- staging.rule_messages (pipeline/validate/staging.py names them all). `hint` says what fixes the row:
--   duplicate_case_ref: every row whose (inspection_id, case_ref) appears more than once;
--     hint: where the other copies are (the first five, `file row N`, then how many more),
--     in time and space linear in the copies (20,000 rows sharing a `TBC` placeholder).
--   force_mismatch, framework_mismatch: rows whose force (framework) is not the single most
--     common one of their inspection_id; when two tie for most common, every row of that
--     inspection; hint: the one most rows name, or those that tie (three named, the rest
--     counted).
WITH keys AS (
    SELECT k.sha256, k.source_row, k.inspection_id, k.case_ref, k.force, k.framework
    FROM staging.staged_rows AS k SEMI JOIN staging.current_files AS f USING (sha256)
), duplicated AS (  -- grouped first: the rows are then found by a semi join, not a window
    SELECT inspection_id, case_ref
    FROM keys
    WHERE inspection_id IS NOT NULL AND case_ref IS NOT NULL
    GROUP BY inspection_id, case_ref
    HAVING count(*) > 1
), copies AS (  -- each copy's place, numbered within its case by file and row
    SELECT k.sha256, k.source_row, k.inspection_id, k.case_ref,
           f.source_file || ' row ' || k.source_row AS place,
           row_number() OVER (PARTITION BY k.inspection_id, k.case_ref
                              ORDER BY f.source_file, k.source_row) AS nth,
           count(*) OVER (PARTITION BY k.inspection_id, k.case_ref) AS total
    FROM keys AS k
    SEMI JOIN duplicated USING (inspection_id, case_ref)
    JOIN staging.current_files AS f USING (sha256)
), firsts AS (  -- the first six places of each case: enough to name five others of any copy
    SELECT inspection_id, case_ref, list(place ORDER BY nth) AS places
    FROM copies
    WHERE nth <= 6
    GROUP BY inspection_id, case_ref
), duplicates AS (  -- linear in the copies: never a join of every copy with every other
    SELECT c.sha256, c.source_row, c.inspection_id, c.case_ref,
           'case_ref' AS column_name, 'duplicate_case_ref' AS rule, c.case_ref AS value,
           'Other copies: '
           || array_to_string(list_slice(list_filter(d.places, lambda p: p <> c.place), 1, 5), ', ')
           || if(c.total - 1 > 5, ' and ' || format('{:,}', c.total - 6) || ' more', '')
           || '.' AS hint
    FROM copies AS c
    JOIN firsts AS d USING (inspection_id, case_ref)
), named AS (  -- each row's force and framework, as (column_name, value) pairs
    UNPIVOT (SELECT sha256, source_row, inspection_id, case_ref, force, framework FROM keys)
    ON force, framework INTO NAME column_name VALUE value
), value_counts AS (
    SELECT column_name, inspection_id, value, count(*) AS n
    FROM named
    WHERE inspection_id IS NOT NULL
    GROUP BY column_name, inspection_id, value
), ranked AS (
    SELECT *, rank() OVER (PARTITION BY column_name, inspection_id ORDER BY n DESC) AS place
    FROM value_counts
), leaders AS (
    SELECT column_name, inspection_id, any_value(value) AS value
    FROM ranked
    WHERE place = 1
    GROUP BY column_name, inspection_id
    HAVING count(*) = 1
), tied AS (  -- three named, the rest counted: a hint stays short however many tie
    SELECT column_name, inspection_id,
           array_to_string(list_slice(list('''' || value || '''' ORDER BY value), 1, 3), ' and ')
           || if(count(*) > 3,
                 ' and ' || format('{:,}', count(*) - 3) || ' other ' || column_name || 's', '')
               AS values_tied
    FROM ranked
    WHERE place = 1
    GROUP BY column_name, inspection_id
    HAVING count(*) > 1
), mixed AS (  -- only inspections naming more than one value can have a mismatch
    SELECT column_name, inspection_id
    FROM value_counts
    GROUP BY column_name, inspection_id
    HAVING count(*) > 1
), mismatches AS (
    SELECT k.sha256, k.source_row, k.inspection_id, k.case_ref,
           k.column_name,
           CASE k.column_name WHEN 'force' THEN 'force_mismatch'
                WHEN 'framework' THEN 'framework_mismatch' END AS rule,
           k.value,
           coalesce('Most rows of ' || k.inspection_id || ' name ''' || l.value || '''.',
                    'Rows of ' || k.inspection_id || ' name ' || t.values_tied
                    || ' equally often: say which ' || k.column_name || ' it is.') AS hint
    FROM named AS k
    SEMI JOIN mixed USING (column_name, inspection_id)
    LEFT JOIN leaders AS l USING (column_name, inspection_id)
    LEFT JOIN tied AS t USING (column_name, inspection_id)
    WHERE k.inspection_id IS NOT NULL
      AND k.value IS DISTINCT FROM l.value
)
SELECT r.*, m.message
FROM (SELECT * FROM duplicates UNION ALL BY NAME SELECT * FROM mismatches) AS r
JOIN (SELECT DISTINCT rule, message FROM staging.rule_messages) AS m USING (rule);
