-- Stage one chunk of one file as the pandera row rules judged it
-- (pipeline/validate/quarantine.py `judge_rows`, called by pipeline/validate/staging.py):
-- relation checked_rows, every row read (source_row, its keys as written, its framework, its
-- codes and booleans in canonical spelling, audit_day: the ISO day or NULL), and relation
-- row_failures, one row per reason (source_row, column_name, rule, message, value already
-- cut, hint); both are the frames pipeline/validate/staging.py registers under these names
-- for this statement. Every row is staged with its keys (for the rules that compare rows),
-- its reasons (`failures`, NULL when none) and its typed values, every framework's columns
-- typed as their frameworks say. $sha256: the file's content hash.
INSERT INTO staging.staged_rows BY NAME
SELECT
    $sha256 AS sha256,
    CAST(c.source_row AS INTEGER) AS source_row,
    c.inspection_id,
    c.force,
    c.case_ref,
    c.framework,
    f.failures,
    c.area,
    c.category,
    CAST(c.audit_day AS DATE) AS audit_date,
    c.rating,
    c.force_rating,
{%- for column in framework_columns %}
{%- if column.type == "bool" %}
    c.{{ column.name }} = 'true' AS {{ column.name }},
{%- else %}
    try_cast(c.{{ column.name }} AS {{ column.sql_type }}) AS {{ column.name }},
{%- endif %}
{%- endfor %}
    c.synthetic = 'true' AS synthetic
FROM checked_rows AS c
LEFT JOIN (
    SELECT source_row,
           list({'column_name': column_name, 'rule': rule, 'message': message, 'value': value,
                 'hint': hint} ORDER BY column_name, rule) AS failures
    FROM row_failures
    GROUP BY source_row
) AS f USING (source_row);
