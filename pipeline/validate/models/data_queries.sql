/*
grain = """
one row per (loaded row, query); one per (inspection, query) for a query about a whole
inspection"""
description = """
Rows worth a second look, flagged for their provider without holding anything back (the
queries of `case-audit rules`): an audit date far from its inspection's others, a case a
framework's own query flags (ncpi@2016: a custody case without la_accommodation_requested),
an inspection its force rarely rated itself."""

[columns]
source_file = ["VARCHAR", "Input file of the row; NULL for a query about a whole inspection."]
source_row = [
    "INTEGER",
    """
    Row number as a spreadsheet shows it; NULL for a query about a whole inspection.""",
]
inspection_id = "VARCHAR"
column_name = "VARCHAR"
rule = ["VARCHAR", "Query code (`case-audit rules`)."]
message = "VARCHAR"
value = [
    "VARCHAR",
    """
    What was queried: the audit date, or how many cases were self-rated; NULL for a
    missing value.""",
]
*/
-- The queries of the rule catalogue over every loaded case: an audit date further than
-- $query_days from its inspection's median (inspections of 5 or more cases), each
-- framework's own queries (a case of the framework for which its `when` holds), an
-- inspection of 10 or more cases its force rated itself on fewer than
-- $query_self_rated_share of. A query about a whole inspection has no source_file or
-- source_row. Messages are the rule's under the case's framework.
WITH cases AS (
    SELECT *, {{ predicates }}
    FROM case_audits
), dated AS (
    SELECT source_file, source_row, inspection_id, framework, audit_date,
           median(audit_date) OVER (PARTITION BY inspection_id) AS middle,
           count(*) OVER (PARTITION BY inspection_id) AS cases
    FROM case_audits
), queries AS (
    SELECT source_file, source_row, inspection_id, framework, 'audit_date' AS column_name,
           'query_audit_date_far_from_inspection' AS rule, strftime(audit_date, '%Y-%m-%d') AS value
    FROM dated
    WHERE cases >= 5 AND abs(date_diff('day', middle, audit_date)) > $query_days
{%- for framework in frameworks %}
{%- for query in framework.queries %}
    UNION ALL
    SELECT source_file, source_row, inspection_id, framework, {{ query.column | sql }},
           {{ query.code | sql }}, CAST({{ query.column }} AS VARCHAR)
    FROM cases
    WHERE framework = {{ framework.key | sql }} AND ({{ query.when }})
{%- endfor %}
{%- endfor %}
    UNION ALL
    SELECT NULL, NULL, inspection_id, framework, 'force_rating', 'query_self_rating_sparse',
           count(force_rating) || ' of ' || count(*) || ' cases self-rated'
    FROM case_audits
    WHERE list_contains(
        {{ frameworks | selectattr("force_rating") | map(attribute="key") | list | sql }}, framework
    )
    GROUP BY inspection_id, framework
    HAVING count(*) >= 10 AND count(force_rating) < $query_self_rated_share * count(*)
)
SELECT q.source_file::VARCHAR AS source_file, q.source_row::INTEGER AS source_row,
       q.inspection_id, q.column_name, q.rule, m.message, q.value::VARCHAR AS value
FROM queries AS q
JOIN staging.rule_messages AS m USING (framework, rule)
ORDER BY q.inspection_id, q.source_file NULLS FIRST, q.source_row, q.rule;
