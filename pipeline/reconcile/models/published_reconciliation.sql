/*
grain = "one row per published figure"
description = """
Each published figure (data/reference/published_figures.csv) next to the computed one.
status: matches, differs, metric_unknown, inspection_not_loaded or nothing_to_compare; a
blocking check fails on differs, metric_unknown and nothing_to_compare."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "metric", "published_numerator", "published_denominator",
    "published_pct", "computed_numerator", "computed_denominator", "computed_pct",
    "matches", "source",
]

[columns]
inspection_id = "VARCHAR"
metric = "VARCHAR"
published_numerator = ["BIGINT", "Published count; NULL where only a percentage was published."]
published_denominator = ["BIGINT", "Published denominator; NULL if none."]
published_pct = ["DOUBLE", "Published percentage; NULL where counts were published."]
computed_numerator = ["BIGINT", "numerator from headline_figures."]
computed_denominator = ["BIGINT", "denominator from headline_figures."]
computed_pct = ["DOUBLE", "pct from headline_figures."]
matches = [
    "BOOLEAN",
    """
    Counts equal exactly and a published percentage equals the computed one (from the
    counts) rounded to a whole number; NULL when not compared.""",
]
status = [
    "VARCHAR",
    """
    matches, differs, metric_unknown, inspection_not_loaded or nothing_to_compare.""",
]
wording = "VARCHAR"
source = "VARCHAR"
*/
-- published_reconciliation: every published figure next to the one computed from the cases.
-- Input: the CSV named by $published_figures_csv (data/reference/).
-- Counts must match exactly; a percentage-only figure must equal the computed percentage
-- rounded to a whole number (computed from the counts, not from the rounded pct).
-- status: matches | differs | metric_unknown | inspection_not_loaded | nothing_to_compare
WITH published AS (
    SELECT *
    FROM read_csv($published_figures_csv, header = true, columns = {
        'inspection_id': 'VARCHAR', 'force': 'VARCHAR', 'metric': 'VARCHAR',
        'published_numerator': 'BIGINT', 'published_denominator': 'BIGINT',
        'published_pct': 'DOUBLE', 'wording': 'VARCHAR', 'source': 'VARCHAR'})
), compared AS (
    SELECT
        p.*,
        h.numerator   AS computed_numerator,
        h.denominator AS computed_denominator,
        h.pct         AS computed_pct,
        h.metric IS NOT NULL AS computed,
        p.inspection_id IN (SELECT inspection_id FROM headline_figures) AS inspection_loaded,
        coalesce(p.published_numerator, p.published_denominator, p.published_pct) IS NOT NULL
            AS has_published_value,
        (p.published_numerator IS NULL OR p.published_numerator = h.numerator)
        AND (p.published_denominator IS NULL OR p.published_denominator = h.denominator)
        AND (p.published_pct IS NULL
             OR (h.denominator > 0 AND round(100 * h.numerator / h.denominator) = p.published_pct))
            AS values_agree
    FROM published AS p
    LEFT JOIN headline_figures AS h USING (inspection_id, metric)
)
SELECT
    inspection_id,
    metric,
    published_numerator,
    published_denominator,
    published_pct,
    computed_numerator,
    computed_denominator,
    computed_pct,
    CASE WHEN computed AND has_published_value THEN values_agree END AS matches,
    CASE
        WHEN NOT inspection_loaded THEN 'inspection_not_loaded'
        WHEN NOT computed THEN 'metric_unknown'
        WHEN NOT has_published_value THEN 'nothing_to_compare'
        WHEN values_agree THEN 'matches'
        ELSE 'differs'
    END AS status,
    wording,
    source
FROM compared
ORDER BY inspection_id, metric;
