-- Stage the rows of one file (or one chunk of it) in one pass over the row rules
-- (sql/row_rules.sql, the TEMP view checked_rows): every row with its keys, its reasons
-- (`failures`, NULL when none; a long value is cut to 200 characters and one spanning lines
-- to its first line, its length said: what other lines hold is not kept) and
-- its typed values. Variable file_sha256: the file's content hash.
INSERT INTO staging.staged_rows
SELECT
    getvariable('file_sha256'),
    CAST(source_row AS INTEGER),
    inspection_id,
    force,
    case_ref,
    CASE WHEN len(failures) > 0 THEN list_transform(failures, lambda f: {
        'column_name': f.column_name,
        'rule': f.rule,
        'value': CASE WHEN regexp_matches(f.value, '[\r\n]')
                      THEN left(regexp_extract(f.value, '^[^\r\n]*'), 200) || '… ('
                           || length(f.value) || ' characters over several lines)'
                      WHEN length(f.value) > 200
                      THEN left(f.value, 200) || '… (' || length(f.value) || ' characters)'
                      ELSE f.value END}) END,
    area,
    n_category,
    audit_day,
    n_rating,
    n_referred_back = 'true',
    n_force_rating,
    n_charged = 'true',
    n_bail_refused = 'true',
    n_detained_until_court = 'true',
    n_la_accommodation_requested = 'true',
    try_cast(missing_episodes AS INTEGER),
    n_cse_risk_assessed = 'true'
FROM checked_rows;
