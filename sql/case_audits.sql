-- case_audits: one row per valid case, typed. Input: `validated_rows` (normalised text rows
-- that passed every rule, with case_key already computed; case_ref is not in it).
CREATE OR REPLACE TABLE case_audits AS
SELECT
    inspection_id::VARCHAR                               AS inspection_id,
    force::VARCHAR                                       AS force,
    case_key::VARCHAR                                    AS case_key,
    area::VARCHAR                                        AS area,
    category::VARCHAR                                    AS category,
    CAST(audit_date AS DATE)                             AS audit_date,
    rating::VARCHAR                                      AS rating,
    referred_back = 'true'                               AS referred_back,
    force_rating::VARCHAR                                AS force_rating,
    charged = 'true'                                     AS charged,
    bail_refused = 'true'                                AS bail_refused,
    detained_until_court = 'true'                        AS detained_until_court,
    la_accommodation_requested = 'true'                  AS la_accommodation_requested,
    CAST(missing_episodes AS INTEGER)                    AS missing_episodes,
    cse_risk_assessed = 'true'                           AS cse_risk_assessed,
    source_file::VARCHAR                                 AS source_file,
    CAST(source_row AS INTEGER)                          AS source_row
FROM validated_rows
ORDER BY source_file, source_row;
