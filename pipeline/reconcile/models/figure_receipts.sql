/*
grain = "one row per inspection x metric"
description = """
Every headline figure's receipt: what it was made from and under which rules, so two parties
can check they counted the same cases without exchanging them. The digests are the SHA-256
(hex) of the figure's case_keys, sorted and joined by a line feed (the empty text when there
are none); the receipt is the SHA-256 of the receipt's other fields, one per line, in the
order of this table. Recompute them from metric_cases (docs/publication.md)."""

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
metric = "VARCHAR"
metric_order = ["INTEGER", "Display order of the metric in its framework (1 first)."]
numerator = "BIGINT"
denominator = "BIGINT"
pct = "DOUBLE"
framework_sha256 = ["VARCHAR", "SHA-256 of the framework file the figure was made under."]
rules_version = ["VARCHAR", "The validation rule set's version (the code the verdicts depend on)."]
product_version = ["VARCHAR", "The case-audit version that made the figure."]
numerator_expression = ["VARCHAR", "The metric's numerator, as its framework file writes it."]
denominator_expression = ["VARCHAR", "The metric's denominator, as its framework file writes it."]
description = ["VARCHAR", "What the metric counts, in plain words."]
input_sha256 = [
    "VARCHAR",
    "SHA-256 of every input file that holds a case of the denominator, sorted, space-separated.",
]
numerator_digest = ["VARCHAR", "SHA-256 of the numerator's case_keys, sorted, one per line."]
denominator_digest = ["VARCHAR", "SHA-256 of the denominator's case_keys, sorted, one per line."]
receipt = ["VARCHAR", "SHA-256 of the fields above, one per line: the receipt's id."]
*/
-- figure_receipts: every headline figure with what it was made from (framework file, rule
-- set, product version, the metric's definition, the input files behind its cases) and a
-- digest of the cases in its numerator and denominator (figure_digests, computed from
-- metric_cases: the cases headline_figures counts).
WITH sources AS (
    SELECT m.inspection_id, m.metric,
           string_agg(DISTINCT l.sha256, ' ' ORDER BY l.sha256) AS input_sha256
    FROM metric_cases AS m
    JOIN case_audits AS c USING (case_key)
    JOIN file_loads AS l ON l.source_file = c.source_file
    WHERE m.in_denominator
    GROUP BY m.inspection_id, m.metric
), receipts AS (
    SELECT
        h.inspection_id,
        h.force,
        h.framework,
        h.metric,
        h.metric_order,
        h.numerator,
        h.denominator,
        h.pct,
        f.sha256                                 AS framework_sha256,
        $rules_version                           AS rules_version,
        $product_version                         AS product_version,
        d.numerator                              AS numerator_expression,
        d.denominator                            AS denominator_expression,
        d.description,
        coalesce(s.input_sha256, '')             AS input_sha256,
        g.numerator_digest,
        g.denominator_digest
    FROM headline_figures AS h
    JOIN frameworks AS f USING (framework)
    JOIN metrics AS d USING (framework, metric)
    JOIN figure_digests AS g USING (inspection_id, metric)
    LEFT JOIN sources AS s USING (inspection_id, metric)
)
SELECT
    *,
    sha256(concat_ws(chr(10), inspection_id, force, framework, metric, numerator, denominator,
                     framework_sha256, rules_version, product_version, numerator_expression,
                     denominator_expression, description, input_sha256,
                     numerator_digest, denominator_digest)) AS receipt
FROM receipts
ORDER BY inspection_id, metric_order;
