-- Stage one chunk of one file. Inputs: relations chunk_valid (normalised text of the valid
-- rows, with case_ref), chunk_keys, chunk_reasons; variables file_sha256, hmac_ipad and
-- hmac_opad (the pseudonym key's HMAC pads as BLOBs).
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
    category,
    CAST(audit_date AS DATE),
    rating,
    referred_back = 'true',
    force_rating,
    charged = 'true',
    bail_refused = 'true',
    detained_until_court = 'true',
    la_accommodation_requested = 'true',
    CAST(missing_episodes AS INTEGER),
    cse_risk_assessed = 'true'
FROM chunk_valid;
INSERT INTO staging.staged_keys
SELECT getvariable('file_sha256'), CAST(source_row AS INTEGER), inspection_id, case_ref, force
FROM chunk_keys;
INSERT INTO staging.staged_reasons
SELECT getvariable('file_sha256'), CAST(source_row AS INTEGER), inspection_id, case_ref,
       column_name, rule, message, value
FROM chunk_reasons;
