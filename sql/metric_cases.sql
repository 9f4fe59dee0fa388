-- reads: case_audits
-- writes: metric_cases
-- metric_cases (view): where the headline metrics are defined, case by case. One row per
-- inspection x metric x valid case, saying whether the case is in the metric's numerator
-- and in its denominator. headline_figures counts these rows, so a published figure can
-- always be traced to the cases behind it (`case-audit explain`).
CREATE OR REPLACE VIEW metric_cases AS
SELECT
    c.inspection_id,
    c.force,
    m.metric,
    m.metric_order,
    c.case_key,
    c.category,
    c.area,
    coalesce(m.in_numerator, false)   AS in_numerator,
    coalesce(m.in_denominator, false) AS in_denominator
FROM case_audits AS c,
LATERAL (VALUES
    (1,  'cases_audited',                        true,
                                                 true),
    (2,  'cases_not_good',                       c.rating <> 'good',
                                                 true),
    (3,  'cases_inadequate',                     c.rating = 'inadequate',
                                                 true),
    (4,  'cases_referred_back',                  c.referred_back,
                                                 true),
    (5,  'missing_good',                         c.category = 'missing_absent' AND c.rating = 'good',
                                                 c.category = 'missing_absent'),
    (6,  'missing_not_good',                     c.category = 'missing_absent' AND c.rating <> 'good',
                                                 c.category = 'missing_absent'),
    (7,  'custody_detained_after_charge',        c.category = 'custody' AND c.charged
                                                   AND c.bail_refused AND c.detained_until_court,
                                                 c.category = 'custody'),
    (8,  'cse_not_good',                         c.category IN ('cse', 'online_cse') AND c.rating <> 'good',
                                                 c.category IN ('cse', 'online_cse')),
    (9,  'self_assessed_not_good',               c.force_rating IS NOT NULL AND c.rating <> 'good',
                                                 c.force_rating IS NOT NULL),
    (10, 'self_assessed_force_good_or_adequate', c.force_rating IN ('good', 'adequate'),
                                                 c.force_rating IS NOT NULL)
) AS m(metric_order, metric, in_numerator, in_denominator);
