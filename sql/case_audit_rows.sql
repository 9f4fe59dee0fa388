-- reads: assembling_files, cross_row_reasons, staged_rows
-- writes: case_audit_rows
-- case_audit_rows: the valid rows of the files in relation assembling_files (sha256,
-- source_file), typed and pseudonymised, minus the rows held back by the rules that compare
-- rows (cross_row_reasons). case_key = HMAC-SHA256(key, inspection_id || U+001F || case_ref)
-- with the pseudonym key's pads in variables hmac_ipad and hmac_opad (BLOBs), computed here,
-- once per row assembled. case_audits.sql builds the table from every current file; a run
-- that only added files appends the new files' rows (pipeline/validate/engine.py: assemble).
CREATE OR REPLACE TEMP VIEW case_audit_rows AS
SELECT
    c.inspection_id,
    c.force,
    sha256(getvariable('hmac_opad') || unhex(sha256(
        getvariable('hmac_ipad') || encode(c.inspection_id || chr(31) || c.case_ref))))
        AS case_key,
    c.area,
    c.category,
    c.audit_date,
    c.rating,
    c.referred_back,
    c.force_rating,
    c.charged,
    c.bail_refused,
    c.detained_until_court,
    c.la_accommodation_requested,
    c.missing_episodes,
    c.cse_risk_assessed,
    c.synthetic,
    f.source_file,
    c.source_row
FROM staged_rows AS c
JOIN assembling_files AS f USING (sha256)
ANTI JOIN cross_row_reasons AS x USING (sha256, source_row)
WHERE c.failures IS NULL;
