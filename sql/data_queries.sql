-- reads: case_audits, rule_messages
-- writes: data_queries
-- data_queries: rows (or inspections) worth a second look, flagged for their provider
-- without holding anything back: the queries of the rule catalogue (`case-audit rules`),
-- over every loaded case. Variables: query_days (an audit date further than this from its
-- inspection's median audit date is queried, for inspections of 5 or more cases) and
-- query_self_rated_share (an inspection of 10 or more cases whose force rated fewer than
-- this share itself). A query about a whole inspection has no source_file or source_row.
CREATE OR REPLACE TABLE data_queries AS
WITH dated AS (
    SELECT source_file, source_row, inspection_id, audit_date,
           median(audit_date) OVER (PARTITION BY inspection_id) AS middle,
           count(*) OVER (PARTITION BY inspection_id) AS cases
    FROM case_audits
), queries AS (
    SELECT source_file, source_row, inspection_id, 'audit_date' AS column_name,
           'query_audit_date_far_from_inspection' AS rule, strftime(audit_date, '%Y-%m-%d') AS value
    FROM dated
    WHERE cases >= 5 AND abs(date_diff('day', middle, audit_date)) > getvariable('query_days')
    UNION ALL
    SELECT source_file, source_row, inspection_id, 'la_accommodation_requested',
           'query_custody_accommodation_unrecorded', NULL
    FROM case_audits
    WHERE category = 'custody' AND la_accommodation_requested IS NULL
    UNION ALL
    SELECT NULL, NULL, inspection_id, 'force_rating', 'query_self_rating_sparse',
           count(force_rating) || ' of ' || count(*) || ' cases self-rated'
    FROM case_audits
    GROUP BY inspection_id
    HAVING count(*) >= 10 AND count(force_rating) < getvariable('query_self_rated_share') * count(*)
)
SELECT q.source_file::VARCHAR AS source_file, q.source_row::INTEGER AS source_row,
       q.inspection_id, q.column_name, q.rule, m.message, q.value::VARCHAR AS value
FROM queries AS q
JOIN rule_messages AS m USING (rule)
ORDER BY q.inspection_id, q.source_file NULLS FIRST, q.source_row, q.rule;
