-- row_rules: the rules that look at one row at a time, as one DuckDB pass.
-- Input: relation raw_rows (source_row, the contract columns as trimmed text or NULL,
-- extra_cells). Variables and the TEMP macros canon_enum, canon_rating and canon_bool come
-- from sql/row_rule_macros.sql, filled from schemas/case_audit.py.
-- Output: TEMP view checked_rows (a view: sql/stage_rows.sql reads it once): per input
-- row what staging needs (its keys, area, date, missing_episodes), the normalised spelling of its enum and boolean columns (n_*, as
-- pipeline/validate/normalise.py makes them), and `failures`: a list of (column_name, rule,
-- value) with the value as the provider wrote it.
-- The pandera schema (schemas/case_audit.py) states the same rules for `case-audit check`;
-- tests hold both to the same verdicts, row by row.
CREATE OR REPLACE TEMP VIEW checked_rows AS
WITH normalised AS (
    SELECT
        *,
        canon_enum(category) AS n_category,
        canon_rating(rating) AS n_rating,
        canon_rating(force_rating) AS n_force_rating,
        canon_bool(referred_back) AS n_referred_back,
        canon_bool(charged) AS n_charged,
        canon_bool(bail_refused) AS n_bail_refused,
        canon_bool(detained_until_court) AS n_detained_until_court,
        canon_bool(la_accommodation_requested) AS n_la_accommodation_requested,
        canon_bool(cse_risk_assessed) AS n_cse_risk_assessed,
        -- the day, for ISO text only (strptime alone also reads e.g. 'infinity')
        CASE WHEN regexp_full_match(audit_date, getvariable('iso_date_pattern'))
             THEN try_strptime(audit_date, '%Y-%m-%d')::DATE END AS audit_day
    FROM raw_rows
), judged AS (
    SELECT
        *,
        n_category = 'custody' AS is_custody,
        list_contains(getvariable('categories'), n_category) AND n_category <> 'custody'
            AS known_not_custody,
        n_category = 'missing_absent' AS is_missing,
        list_contains(getvariable('categories'), n_category) AND n_category <> 'missing_absent'
            AS known_not_missing
    FROM normalised
)
SELECT
    source_row, inspection_id, force, case_ref, area, audit_day, missing_episodes,
    n_category, n_rating, n_force_rating, n_referred_back, n_charged, n_bail_refused,
    n_detained_until_court, n_la_accommodation_requested, n_cse_risk_assessed,
    list_filter([
        -- required_missing: a required column is empty
        if(inspection_id IS NULL, failure('inspection_id', 'required_missing', NULL), NULL),
        if(force IS NULL, failure('force', 'required_missing', NULL), NULL),
        if(case_ref IS NULL, failure('case_ref', 'required_missing', NULL), NULL),
        if(category IS NULL, failure('category', 'required_missing', NULL), NULL),
        if(audit_date IS NULL, failure('audit_date', 'required_missing', NULL), NULL),
        if(rating IS NULL, failure('rating', 'required_missing', NULL), NULL),
        if(referred_back IS NULL, failure('referred_back', 'required_missing', NULL), NULL),
        -- extra_cells: non-empty cells beyond the header (only their count is kept)
        if(extra_cells IS NOT NULL, failure('extra_cells', 'extra_cells', extra_cells), NULL),
        -- formats and lengths
        if(NOT regexp_full_match(inspection_id, getvariable('inspection_id_pattern')),
           failure('inspection_id', 'inspection_id_format', inspection_id), NULL),
        if(NOT regexp_full_match(case_ref, getvariable('case_ref_pattern')),
           failure('case_ref', 'case_ref_format', case_ref), NULL),
        -- a stray quote: a free-text cell holding a line break or three commas
        if(regexp_matches(force, getvariable('stray_quote_pattern')),
           failure('force', 'text_stray_quote', force), NULL),
        if(regexp_matches(area, getvariable('stray_quote_pattern')),
           failure('area', 'text_stray_quote', area), NULL),
        if(length(force) > getvariable('text_limit'),
           failure('force', 'text_too_long', force), NULL),
        if(length(area) > getvariable('text_limit'),
           failure('area', 'text_too_long', area), NULL),
        -- enums and booleans, after normalising
        if(NOT list_contains(getvariable('categories'), n_category),
           failure('category', 'category_unknown', category), NULL),
        if(NOT list_contains(getvariable('ratings'), n_rating),
           failure('rating', 'rating_unknown', rating), NULL),
        if(NOT list_contains(getvariable('force_ratings'), n_force_rating),
           failure('force_rating', 'force_rating_unknown', force_rating), NULL),
        if(n_referred_back NOT IN ('true', 'false'),
           failure('referred_back', 'bool_invalid', referred_back), NULL),
        if(n_charged NOT IN ('true', 'false'),
           failure('charged', 'bool_invalid', charged), NULL),
        if(n_bail_refused NOT IN ('true', 'false'),
           failure('bail_refused', 'bool_invalid', bail_refused), NULL),
        if(n_detained_until_court NOT IN ('true', 'false'),
           failure('detained_until_court', 'bool_invalid', detained_until_court), NULL),
        if(n_la_accommodation_requested NOT IN ('true', 'false'),
           failure('la_accommodation_requested', 'bool_invalid', la_accommodation_requested),
           NULL),
        if(n_cse_risk_assessed NOT IN ('true', 'false'),
           failure('cse_risk_assessed', 'bool_invalid', cse_risk_assessed), NULL),
        -- dates: ISO text of a real day (year 1 or later), not after the run date
        if(audit_date IS NOT NULL AND NOT coalesce(year(audit_day) >= 1, false),
           failure('audit_date', 'audit_date_invalid', audit_date), NULL),
        if(audit_day > getvariable('run_date'),
           failure('audit_date', 'audit_date_future', audit_date), NULL),
        -- a whole number of 1 or more (at most 9 digits)
        if(NOT coalesce(regexp_full_match(missing_episodes, getvariable('whole_number_pattern'))
                        AND try_cast(missing_episodes AS INTEGER) >= 1, missing_episodes IS NULL),
           failure('missing_episodes', 'missing_episodes_invalid', missing_episodes), NULL),
        -- fields that depend on the category
        if(is_custody AND charged IS NULL,
           failure('charged', 'custody_field_missing', NULL), NULL),
        if(is_custody AND bail_refused IS NULL,
           failure('bail_refused', 'custody_field_missing', NULL), NULL),
        if(is_custody AND detained_until_court IS NULL,
           failure('detained_until_court', 'custody_field_missing', NULL), NULL),
        if(known_not_custody AND charged IS NOT NULL,
           failure('charged', 'custody_field_not_applicable', charged), NULL),
        if(known_not_custody AND bail_refused IS NOT NULL,
           failure('bail_refused', 'custody_field_not_applicable', bail_refused), NULL),
        if(known_not_custody AND detained_until_court IS NOT NULL,
           failure('detained_until_court', 'custody_field_not_applicable',
                   detained_until_court), NULL),
        if(known_not_custody AND la_accommodation_requested IS NOT NULL,
           failure('la_accommodation_requested', 'custody_field_not_applicable',
                   la_accommodation_requested), NULL),
        if(is_missing AND missing_episodes IS NULL,
           failure('missing_episodes', 'missing_episodes_missing', NULL), NULL),
        if(known_not_missing AND missing_episodes IS NOT NULL,
           failure('missing_episodes', 'missing_episodes_not_applicable', missing_episodes),
           NULL)
    ], lambda f: f IS NOT NULL) AS failures
FROM judged;
