-- reads: case_audits
-- writes: headline_figures
-- headline_figures: one row per inspection x metric, as defined in the data contract.
-- pct is 0-100 rounded to one decimal, with its 95% Wilson interval (ci_low, ci_high); all
-- three NULL where the denominator is 0.
CREATE OR REPLACE TABLE headline_figures AS
WITH per_inspection AS (
    SELECT
        inspection_id,
        force,
        count(*)                                                              AS cases,
        count(*) FILTER (WHERE rating <> 'good')                              AS not_good,
        count(*) FILTER (WHERE rating = 'inadequate')                         AS inadequate,
        count(*) FILTER (WHERE referred_back)                                 AS referred_back,
        count(*) FILTER (WHERE category = 'missing_absent')                   AS missing,
        count(*) FILTER (WHERE category = 'missing_absent' AND rating = 'good')  AS missing_good,
        count(*) FILTER (WHERE category = 'missing_absent' AND rating <> 'good') AS missing_not_good,
        count(*) FILTER (WHERE category = 'custody')                          AS custody,
        count(*) FILTER (WHERE category = 'custody'
                           AND charged AND bail_refused AND detained_until_court) AS custody_detained,
        count(*) FILTER (WHERE category IN ('cse', 'online_cse'))             AS cse,
        count(*) FILTER (WHERE category IN ('cse', 'online_cse') AND rating <> 'good') AS cse_not_good,
        count(force_rating)                                                   AS self_assessed,
        count(force_rating) FILTER (WHERE rating <> 'good')                   AS self_assessed_not_good,
        count(*) FILTER (WHERE force_rating IN ('good', 'adequate'))          AS force_good_or_adequate
    FROM case_audits
    GROUP BY inspection_id, force
), metrics AS (
    SELECT p.inspection_id, p.force, m.metric_order, m.metric, m.numerator, m.denominator
    FROM per_inspection AS p,
    LATERAL (VALUES
        (1,  'cases_audited',                        p.cases,                  p.cases),
        (2,  'cases_not_good',                       p.not_good,               p.cases),
        (3,  'cases_inadequate',                     p.inadequate,             p.cases),
        (4,  'cases_referred_back',                  p.referred_back,          p.cases),
        (5,  'missing_good',                         p.missing_good,           p.missing),
        (6,  'missing_not_good',                     p.missing_not_good,       p.missing),
        (7,  'custody_detained_after_charge',        p.custody_detained,       p.custody),
        (8,  'cse_not_good',                         p.cse_not_good,           p.cse),
        (9,  'self_assessed_not_good',               p.self_assessed_not_good, p.self_assessed),
        (10, 'self_assessed_force_good_or_adequate', p.force_good_or_adequate, p.self_assessed)
    ) AS m(metric_order, metric, numerator, denominator)
)
SELECT
    inspection_id,
    force,
    metric,
    CAST(numerator AS BIGINT)   AS numerator,
    CAST(denominator AS BIGINT) AS denominator,
    percent(numerator, denominator)     AS pct,
    wilson_low(numerator, denominator)  AS ci_low,
    wilson_high(numerator, denominator) AS ci_high,
    metric_order
FROM metrics
ORDER BY inspection_id, metric_order;
