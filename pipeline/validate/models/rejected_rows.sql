/*
grain = "one row per (rejected row, reason)"
description = """
Quarantined input rows with every reason. The only table holding the provider's case_ref, so
the provider can fix the row. A row with several reasons counts once in file_loads."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "source_file", "source_row", "inspection_id", "case_ref", "column_name", "rule",
    "message", "value",
]

[columns]
source_file = "VARCHAR"
source_row = "INTEGER"
inspection_id = ["VARCHAR", "inspection_id as given (may be missing or invalid)."]
case_ref = ["VARCHAR", "The provider's reference as given, to find the row."]
column_name = "VARCHAR"
rule = "VARCHAR"
message = "VARCHAR"
value = [
    "VARCHAR",
    """
    The cell as given, trimmed; over 200 characters cut with its length; NULL when
    empty; for extra_cells only the count.""",
]
hint = [
    "VARCHAR",
    """
    What fixes the row, where it can be told: the value probably meant (`Did you mean
    missing_absent?`), the force most of the inspection's rows name, where the other
    copies of a case_ref are; NULL otherwise.""",
]
*/
-- The reasons of the rules that look at one row (each staged row's `failures`, with the
-- message of the rule under the row's framework) and of the
-- rules that compare rows (staging.cross_row_reasons), for this run's files. The provider's
-- case_ref is kept here, and only here, so the provider can fix the row.
WITH row_reasons AS (
    SELECT sha256, source_row, inspection_id, case_ref, unnest(failures, recursive := true)
    FROM staging.staged_rows
    SEMI JOIN staging.current_files USING (sha256)
    WHERE failures IS NOT NULL
), reasons AS (
    SELECT sha256, source_row, inspection_id, case_ref, column_name, rule, message, value, hint
    FROM row_reasons
    UNION ALL BY NAME
    SELECT sha256, source_row, inspection_id, case_ref, column_name, rule, message, value, hint
    FROM staging.cross_row_reasons
)
SELECT
    f.source_file,
    r.source_row,
    r.inspection_id,
    r.case_ref,
    r.column_name,
    r.rule,
    r.message,
    r.value,
    r.hint
FROM reasons AS r
JOIN staging.current_files AS f USING (sha256)
ORDER BY f.source_file, r.source_row, r.column_name, r.rule;
