/*
grain = "one row per framework x metric"
description = """
Every framework's headline metrics: what each counts, as SQL over one case (the expressions as
the framework file writes them; a case counts in the numerator only if it is in the
denominator too) and in words. metric_cases is generated from them."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "framework", "metric", "label", "numerator", "denominator", "description",
]

[columns]
framework = "VARCHAR"
metric = "VARCHAR"
label = ["VARCHAR", "The metric's name for readers."]
numerator = ["VARCHAR", "The cases it counts: SQL over one case, as written."]
denominator = ["VARCHAR", "The cases it is a share of: SQL over one case, as written."]
description = ["VARCHAR", "What it counts, in plain words."]
metric_order = ["INTEGER", "Display order of the metric in its framework (1 first)."]
trend = ["BOOLEAN", "The dashboard draws it over time (the framework file's trend)."]
overview = [
    "BOOLEAN",
    "The dashboard's overview places inspections by it (at most one per framework).",
]
*/
-- metrics: the headline metrics of every framework, in each framework's order.
SELECT * FROM (VALUES
{%- for f in frameworks %}
{%- set outer = loop %}
{%- for m in f.metrics %}
    ({{ f.key | sql }}, {{ m.name | sql }}, {{ m.label | sql }}, {{ m.numerator | sql }},
     {{ m.denominator | sql }}, {{ m.description | sql }},
     {{ loop.index }}, {{ m.trend | sql }}, {{ m.overview | sql }})
     {{- "," if not (loop.last and outer.last) }}
{%- endfor %}
{%- endfor %}
) AS m(framework, metric, label, numerator, denominator, description, metric_order, trend, overview)
ORDER BY framework, metric_order;
