/*
grain = "one row per inspection x headline metric of its framework x valid case"
description = """
Where the headline metrics are defined, case by case: whether each case is in a metric's
numerator and denominator. headline_figures counts these rows, so every figure can be traced
to its cases (`case-audit explain INSPECTION METRIC`)."""
materialized = "view"

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
metric = ["VARCHAR", "Headline metric name; what it counts: table metrics, the data dictionary."]
metric_order = ["INTEGER", "Display order of the metric in its framework (1 first)."]
case_key = ["VARCHAR", "The case's key in case_audits (never the provider's case_ref)."]
category = "VARCHAR"
area = "VARCHAR"
in_numerator = ["BOOLEAN", "The case is counted by the metric."]
in_denominator = ["BOOLEAN", "The case is among those the metric is a share of."]
*/
-- Where the headline metrics are defined, case by case: one row per inspection x metric x
-- valid case, saying whether the case is in the metric's numerator and in its denominator.
-- Generated from each framework's metrics (its file's [[metrics]], in their order), over
-- the cases of that framework, with the predicates not_good and favourable; a case is in a
-- numerator only if it is in the denominator too. headline_figures counts these rows, so a
-- published figure can always be traced to the cases behind it (`case-audit explain`).
WITH cases AS (
    SELECT *, {{ predicates }}
    FROM case_audits
)
{%- for framework in frameworks %}
{{ "UNION ALL" if not loop.first }}
SELECT
    c.inspection_id,
    c.force,
    c.framework,
    m.metric,
    m.metric_order,
    c.case_key,
    c.category,
    c.area,
    coalesce(m.in_numerator, false)   AS in_numerator,
    coalesce(m.in_denominator, false) AS in_denominator
FROM cases AS c,
LATERAL (VALUES
{%- for metric in framework.metrics %}
    ({{ loop.index }}, {{ metric.name | sql }},
     ({{ metric.numerator }}) AND ({{ metric.denominator }}), {{ metric.denominator }})
     {{- "," if not loop.last }}
{%- endfor %}
) AS m(metric_order, metric, in_numerator, in_denominator)
WHERE c.framework = {{ framework.key | sql }}
{%- endfor %};
