/*
grain = "one row per framework x coded column x code"
description = """
The codes each framework accepts in its coded columns (category, rating, force_rating) with
their labels for readers and their order (rating levels best first). The dashboard's labels
and scale legends come from here."""

[columns]
framework = "VARCHAR"
column_name = ["VARCHAR", "category, rating or force_rating."]
code = ["VARCHAR", "The code as case_audits holds it."]
label = ["VARCHAR", "The code in words, for readers."]
code_order = ["INTEGER", "Its place in the framework's list (levels best first)."]
counts_as = [
    "VARCHAR",
    """
    For a rating level, `not good` when it is one of the framework's not-good levels; for a
    force_rating level, `favourable` when it is one of the favourable ones; NULL
    otherwise.""",
]
*/
-- framework_codes: every code of every framework's coded columns, in the framework's order.
SELECT * FROM (VALUES
{%- set rows = [] %}
{%- for f in frameworks %}
{%- for code, label in f.categories.items() %}
{%- set _ = rows.append((f.key, "category", code, label, loop.index, none)) %}
{%- endfor %}
{%- for level in f.rating.levels %}
{%- set _ = rows.append((f.key, "rating", level, f.rating.labels[level], loop.index,
                         "not good" if level in f.not_good else none)) %}
{%- endfor %}
{%- for level in f.force_levels %}
{%- set _ = rows.append((f.key, "force_rating", level, f.force_rating.labels[level], loop.index,
                         "favourable" if level in f.favourable else none)) %}
{%- endfor %}
{%- endfor %}
{%- for row in rows %}
    ({{ row[0] | sql }}, {{ row[1] | sql }}, {{ row[2] | sql }}, {{ row[3] | sql }},
     {{ row[4] }}, {{ row[5] | sql }}::VARCHAR){{ "," if not loop.last }}
{%- endfor %}
) AS c(framework, column_name, code, label, code_order, counts_as)
ORDER BY framework, column_name, code_order;
