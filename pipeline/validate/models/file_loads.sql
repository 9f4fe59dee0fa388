/*
grain = "one row per input file seen"
description = """
What happened to each input file. For every loaded file rows_read = rows_loaded +
rows_rejected (a blocking check)."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "source_file", "sha256", "status", "rows_read", "rows_loaded", "rows_rejected",
    "message",
]

[columns]
source_file = "VARCHAR"
sha256 = ["VARCHAR", "SHA-256 of the file's bytes as read."]
status = ["VARCHAR", "loaded or refused (nothing of a refused file is stored)."]
rows_read = ["INTEGER", "Data rows read (0 for a refused file)."]
rows_loaded = ["INTEGER", "Rows of this file in case_audits."]
rows_rejected = ["INTEGER", "Distinct rows of this file in rejected_rows."]
rule = ["VARCHAR", "Refusal rule code; NULL for a loaded file."]
message = [
    "VARCHAR",
    """
    Refusal reason, or the unknown columns dropped; NULL when there is nothing to say.""",
]
*/
-- From the inventory (staging.input_files, with the refusals made before reading) and what
-- reading each content gave (staging.staged_files); the row counts come from the loaded and
-- quarantined rows, so rows_read = rows_loaded + rows_rejected is a real check.
WITH loaded AS (
    SELECT source_file, count(*) AS n FROM case_audits GROUP BY source_file
), rejected AS (
    SELECT source_file, count(DISTINCT source_row) AS n FROM rejected_rows GROUP BY source_file
), outcome AS (
    SELECT
        i.source_file,
        i.sha256,
        coalesce(i.refusal_rule, s.rule)                 AS rule,
        coalesce(i.refusal_message, s.message)           AS message,
        CASE WHEN i.refusal_rule IS NULL AND s.status = 'read' THEN 'loaded' ELSE 'refused' END
                                                         AS status,
        CASE WHEN i.refusal_rule IS NULL THEN s.rows_read ELSE 0 END AS rows_read
    FROM staging.input_files AS i
    LEFT JOIN staging.staged_files AS s USING (sha256)
)
SELECT
    o.source_file::VARCHAR                  AS source_file,
    o.sha256::VARCHAR                       AS sha256,
    o.status::VARCHAR                       AS status,
    CAST(coalesce(o.rows_read, 0) AS INTEGER) AS rows_read,
    CAST(coalesce(l.n, 0) AS INTEGER)       AS rows_loaded,
    CAST(coalesce(j.n, 0) AS INTEGER)       AS rows_rejected,
    o.rule::VARCHAR                         AS rule,
    nullif(o.message, '')::VARCHAR          AS message
FROM outcome AS o
LEFT JOIN loaded AS l USING (source_file)
LEFT JOIN rejected AS j USING (source_file)
ORDER BY o.source_file;
