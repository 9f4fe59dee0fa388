-- reads: trends
-- writes: v_trends
-- v_trends: each inspection's headline figures against the same force's previous inspection.
CREATE OR REPLACE VIEW v_trends AS
SELECT force, metric, inspection_id, inspection_date, numerator, denominator, pct, ci_low,
       ci_high, previous_inspection_id, previous_inspection_date, previous_pct,
       change_pct_points, intervals_overlap
FROM trends;
