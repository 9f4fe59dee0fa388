/*
grain = "one row per valid case"
description = """
The validated cases, typed. The provider's case_ref is replaced by case_key. A case has the
columns of its framework; the columns of other frameworks are NULL."""
materialized = "append"

contract = [  # the product contract's columns (../shared/CONTRACT.md): the core, the default
    # framework's own (section 4: sections 1-3 name ncpi@2016's), where each row came from
    "inspection_id", "force", "framework", "case_key", "area", "category", "audit_date",
    "rating", "force_rating",
{%- for framework in frameworks if framework.key == default_framework %}
{%- for column in framework.columns %} {{ column.name | toml }},{% endfor %}
{%- endfor %}
    "source_file", "source_row",
]

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
case_key = [
    "VARCHAR",
    """
    HMAC-SHA256 of inspection_id, U+001F, case_ref under the project's secret key (64
    hex characters): stable across runs, not reversible.""",
]
area = "VARCHAR"
category = "VARCHAR"
audit_date = ["DATE", "Date of the audit of the case."]
rating = "VARCHAR"
force_rating = ["VARCHAR", "The force's self-assessment of the case; NULL when it gave none."]
{%- for column in framework_columns %}
{{ column.name }} = ["{{ column.sql_type }}", {{ framework_words[column.name] | toml }}]
{%- endfor %}
synthetic = [
    "BOOLEAN",
    """
    The provider marked the record invented (synthetic data, not a real case); NULL when
    not marked.""",
]
source_file = "VARCHAR"
source_row = "INTEGER"
*/
-- The valid rows of the files in staging.assembling_files, typed and pseudonymised, without
-- the rows held back by the rules that compare rows. case_key = HMAC-SHA256(key, inspection_id
-- || U+001F || case_ref), computed here once per row from the key's pads ($hmac_ipad,
-- $hmac_opad: pipeline/validate/staging.py). Materialized append: a run that only added files
-- adds their rows, any other makes the table from every current file.
SELECT
    c.inspection_id,
    c.force,
    c.framework,
    sha256($hmac_opad || unhex(sha256(
        $hmac_ipad || encode(c.inspection_id || chr(31) || c.case_ref)))) AS case_key,
    c.area,
    c.category,
    c.audit_date,
    c.rating,
    c.force_rating,
{%- for column in framework_columns %}
    c.{{ column.name }},
{%- endfor %}
    c.synthetic,
    f.source_file,
    c.source_row
FROM staging.staged_rows AS c
JOIN staging.assembling_files AS f USING (sha256)
ANTI JOIN staging.cross_row_reasons AS x USING (sha256, source_row)
WHERE c.failures IS NULL;
