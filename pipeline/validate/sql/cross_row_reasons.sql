-- staging.cross_row_reasons: the rules that compare rows with each other, over every row of
-- the current input files (valid or not), from staging.staged_rows, staging.current_files and
-- staging.rule_messages (pipeline/validate/staging.py names them all). `hint` says what fixes the row:
--   duplicate_case_ref: every row whose (inspection_id, case_ref) appears more than once;
--     hint: where the other copies are (the first five, `file row N`, then how many more),
--     in time and space linear in the copies (20,000 rows sharing a `TBC` placeholder).
--   force_mismatch: rows whose force is not the single most common force of their
--     inspection_id; when two forces tie for most common, every row of that inspection;
--     hint: the force most rows name, or the forces that tie (three named, the rest counted).
WITH keys AS (
    SELECT k.sha256, k.source_row, k.inspection_id, k.case_ref, k.force
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
), force_counts AS (
    SELECT inspection_id, force, count(*) AS n
    FROM keys
    WHERE inspection_id IS NOT NULL AND force IS NOT NULL
    GROUP BY inspection_id, force
), ranked AS (
    SELECT *, rank() OVER (PARTITION BY inspection_id ORDER BY n DESC) AS place
    FROM force_counts
), leaders AS (
    SELECT inspection_id, any_value(force) AS force
    FROM ranked
    WHERE place = 1
    GROUP BY inspection_id
    HAVING count(*) = 1
), tied AS (  -- three named, the rest counted: a hint stays short however many tie
    SELECT inspection_id,
           array_to_string(list_slice(list('''' || force || '''' ORDER BY force), 1, 3), ' and ')
           || if(count(*) > 3, ' and ' || format('{:,}', count(*) - 3) || ' other forces', '')
               AS forces
    FROM ranked
    WHERE place = 1
    GROUP BY inspection_id
    HAVING count(*) > 1
), mixed AS (  -- only inspections naming more than one force can have a mismatch
    SELECT inspection_id FROM force_counts GROUP BY inspection_id HAVING count(*) > 1
), mismatches AS (
    SELECT k.sha256, k.source_row, k.inspection_id, k.case_ref,
           'force' AS column_name, 'force_mismatch' AS rule, k.force AS value,
           coalesce('Most rows of ' || k.inspection_id || ' name ''' || l.force || '''.',
                    'Rows of ' || k.inspection_id || ' name ' || t.forces
                    || ' equally often: say which force it is.') AS hint
    FROM keys AS k
    SEMI JOIN mixed USING (inspection_id)
    LEFT JOIN leaders AS l USING (inspection_id)
    LEFT JOIN tied AS t USING (inspection_id)
    WHERE k.inspection_id IS NOT NULL AND k.force IS NOT NULL
      AND k.force IS DISTINCT FROM l.force
)
SELECT r.*, m.message
FROM (SELECT * FROM duplicates UNION ALL BY NAME SELECT * FROM mismatches) AS r
JOIN staging.rule_messages AS m USING (rule);
