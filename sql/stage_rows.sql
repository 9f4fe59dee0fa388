-- Stage the rows of one file (or one chunk of it) checked by sql/row_rules.sql.
-- Inputs: TEMP table checked_rows, relation rule_messages (rule, message); variables
-- file_sha256, hmac_ipad and hmac_opad (the pseudonym key's HMAC pads as BLOBs).
-- case_key = HMAC-SHA256(key, inspection_id || U+001F || case_ref), computed here in SQL.
INSERT INTO staging.staged_cases
SELECT
    getvariable('file_sha256'),
    CAST(source_row AS INTEGER),
    inspection_id,
    force,
    sha256(getvariable('hmac_opad') || unhex(sha256(
        getvariable('hmac_ipad') || encode(inspection_id || chr(31) || case_ref)))),
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
    CAST(missing_episodes AS INTEGER),
    n_cse_risk_assessed = 'true'
FROM checked_rows
WHERE len(failures) = 0;
INSERT INTO staging.staged_keys
SELECT getvariable('file_sha256'), CAST(source_row AS INTEGER), inspection_id, case_ref, force
FROM checked_rows;
-- one reason per (row, column, rule); a long value is cut to 200 characters, its length said
INSERT INTO staging.staged_reasons
WITH failed AS (
    SELECT source_row, inspection_id, case_ref, unnest(failures, recursive := true)
    FROM checked_rows
    WHERE len(failures) > 0
)
SELECT getvariable('file_sha256'), CAST(source_row AS INTEGER), inspection_id, case_ref,
       column_name, rule, m.message,
       CASE WHEN length(value) > 200
            THEN left(value, 200) || '… (' || length(value) || ' characters)'
            ELSE value END
FROM failed
JOIN rule_messages AS m USING (rule);
