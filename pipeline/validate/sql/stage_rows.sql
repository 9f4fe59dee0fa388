-- Stage one chunk of one file as the pandera row rules judged it
-- (pipeline/validate/quarantine.py `judge_rows`, called by pipeline/validate/staging.py):
-- relation checked_rows, every row read (source_row, its keys as written, its enum and
-- boolean columns in canonical spelling, audit_day: the ISO day or NULL), and relation
-- row_failures, one row per reason (source_row, column_name, rule, value already cut, hint); both are the frames
-- pipeline/validate/staging.py registers under these names for this statement.
-- Every row is staged with its keys (for the rules that compare rows), its reasons
-- (`failures`, NULL when none) and its typed values. $sha256: the file's content hash.
INSERT INTO staging.staged_rows
SELECT
    $sha256,
    CAST(c.source_row AS INTEGER),
    c.inspection_id,
    c.force,
    c.case_ref,
    f.failures,
    c.area,
    c.category,
    CAST(c.audit_day AS DATE),
    c.rating,
    c.referred_back = 'true',
    c.force_rating,
    c.charged = 'true',
    c.bail_refused = 'true',
    c.detained_until_court = 'true',
    c.la_accommodation_requested = 'true',
    try_cast(c.missing_episodes AS INTEGER),
    c.cse_risk_assessed = 'true',
    c.synthetic = 'true'
FROM checked_rows AS c
LEFT JOIN (
    SELECT source_row,
           list({'column_name': column_name, 'rule': rule, 'value': value, 'hint': hint}
                ORDER BY column_name, rule) AS failures
    FROM row_failures
    GROUP BY source_row
) AS f USING (source_row);
