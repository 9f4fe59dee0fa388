{%- macro number(column) -%}
coalesce(TRY_CAST({{ column }} AS DOUBLE), CASE regexp_replace({{ column }}, '\s+', ' ', 'g')
{%- for words, value in quantifiers.numbers.items() %} WHEN {{ words | sql }} THEN {{ value }}{% endfor %} END)
{%- endmacro -%}
{%- macro pick(kind, side) -%}
CASE regexp_replace(q.{{ "phrase" if kind == "phrases" else "modifier" }}, '\s+', ' ', 'g')
{%- for words, bound in quantifiers[kind].items() %} WHEN {{ words | sql }} THEN {{ bound[side] | sql if side == "ends" else bound[side] }}{% endfor %} END
{%- endmacro -%}
{%- macro bare(side) -%}
{%- set bound = quantifiers.modifiers[quantifiers.bare] -%}
{{ bound[side] | sql if side == "ends" else bound[side] }}
{%- endmacro -%}
/*
grain = "one row per published claim"
description = """
Statements made about the figures (data/reference/published_claims.csv), tested against the
exact computed percentage: by their comparator and percentage, or by their wording alone as
the rulebook of verbal quantifiers reads it (docs/publication.md). A false claim is
information, not a failure."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "metric", "comparator", "claimed_pct", "computed_pct", "holds",
    "wording", "source",
]

[columns]
inspection_id = "VARCHAR"
metric = "VARCHAR"
comparator = ["VARCHAR", "One of >, >=, <, <=, =; empty when the claim gives its wording alone."]
claimed_pct = ["DOUBLE", "The percentage the claim compares with; empty with its wording alone."]
computed_pct = ["DOUBLE", "pct from headline_figures (one decimal)."]
holds = [
    "BOOLEAN",
    """
    The exact percentage (unrounded) against the claim: compared with claimed_pct (for =,
    rounded to one decimal), or, for a wording alone, within the interval the rulebook of
    verbal quantifiers reads it as; NULL when not computed, the comparator is unknown or
    the wording has no quantifier the rulebook knows.""",
]
wording = "VARCHAR"
source = "VARCHAR"
judged_on = [
    "VARCHAR",
    "comparator (comparator and claimed_pct), wording (the rulebook), or NULL: not judged.",
]
reading = [
    "VARCHAR",
    """
    How the wording was read: its quantifier and the interval (e.g. `almost three quarters:
    [70, 75)`); `unknown wording` when the rulebook knows none of its words.""",
]
interval_low = ["DOUBLE", "The low end of the interval the wording is read as (percent)."]
interval_high = ["DOUBLE", "Its high end."]
*/
-- claim_checks: each published claim about a percentage, tested against the computed figure.
-- Input: the CSV named by $published_claims_csv (data/reference/). A claim gives a comparator
-- and a percentage, or its wording alone: then its first quantifier is read by the rulebook
-- of verbal quantifiers (schemas/quantifiers.toml, rendered in here) as an interval, and an
-- unknown wording is reported as such, never guessed. `holds` compares the exact percentage
-- (numerator / denominator), not the rounded pct, so rounding never makes a false claim true;
-- NULL when the figure was not computed.
WITH claims AS (
    SELECT *
    FROM read_csv($published_claims_csv, header = true, columns = {
        'inspection_id': 'VARCHAR', 'metric': 'VARCHAR', 'comparator': 'VARCHAR',
        'claimed_pct': 'DOUBLE', 'wording': 'VARCHAR', 'source': 'VARCHAR'})
), said AS (
    SELECT *,
           regexp_extract(
               regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                   lower(coalesce(wording, '')), '[-\x{2010}-\x{2013}]', ' ', 'g'),
                   'per\s*cent', '%', 'g'), '\s+', ' ', 'g'), '(\d) %', '\1%', 'g'),
               {{ quantifiers.pattern | sql }}, {{ quantifier_groups | sql }}) AS q
    FROM claims
), valued AS (
    SELECT *,
           CASE WHEN q.percent <> '' THEN CAST(q.percent AS DOUBLE)
                WHEN q.count <> '' THEN 100 * CAST(q.count AS DOUBLE) / nullif(CAST(q.count_of AS DOUBLE), 0)
                WHEN q.ratio <> '' THEN 100 * {{ number("q.ratio") }} / nullif({{ number("q.ratio_of") }}, 0)
                WHEN q.fraction <> '' THEN CASE regexp_replace(q.fraction, '\s+', ' ', 'g')
{%- for words, value in quantifiers.fractions.items() %}
                    WHEN {{ words | sql }} THEN {{ value }}
{%- endfor %}
                    END
           END AS v,
           regexp_replace(coalesce(nullif(q.phrase, ''), q.modifier), '\s+', ' ', 'g') AS quantifier
    FROM said
), bounded AS (
    SELECT *,
           CASE WHEN q.phrase <> '' THEN {{ pick("phrases", "low") }}
                WHEN q.modifier <> '' THEN {{ pick("modifiers", "low") }}
                WHEN q.percent <> '' THEN v - 0.5 * power(10, -length(split_part(q.percent || '.', '.', 2)))
                WHEN q.count <> '' THEN v
                WHEN v IS NOT NULL THEN {{ bare("low") }}
           END AS interval_low,
           CASE WHEN q.phrase <> '' THEN {{ pick("phrases", "high") }}
                WHEN q.modifier <> '' THEN {{ pick("modifiers", "high") }}
                WHEN q.percent <> '' THEN v + 0.5 * power(10, -length(split_part(q.percent || '.', '.', 2)))
                WHEN q.count <> '' THEN v
                WHEN v IS NOT NULL THEN {{ bare("high") }}
           END AS interval_high,
           CASE WHEN q.phrase <> '' THEN {{ pick("phrases", "ends") }}
                WHEN q.modifier <> '' THEN {{ pick("modifiers", "ends") }}
                WHEN q.percent <> '' THEN '[)'
                WHEN q.count <> '' THEN '[]'
                WHEN v IS NOT NULL THEN {{ bare("ends") }}
           END AS ends
    FROM valued
), computed AS (
    SELECT b.*, h.pct AS computed_pct,
           CASE WHEN h.denominator > 0 THEN 100 * h.numerator / h.denominator END AS exact_pct,
           b.comparator IS NOT NULL AND b.claimed_pct IS NOT NULL AS compared
    FROM bounded AS b
    LEFT JOIN headline_figures AS h USING (inspection_id, metric)
)
SELECT
    inspection_id,
    metric,
    comparator,
    claimed_pct,
    computed_pct,
    CASE WHEN compared THEN
        CASE trim(comparator)
            WHEN '>'  THEN exact_pct >  claimed_pct
            WHEN '>=' THEN exact_pct >= claimed_pct
            WHEN '<'  THEN exact_pct <  claimed_pct
            WHEN '<=' THEN exact_pct <= claimed_pct
            WHEN '='  THEN round(exact_pct, 1) = claimed_pct
        END
    WHEN interval_low IS NOT NULL THEN
        (exact_pct > interval_low OR (ends[1] = '[' AND abs(exact_pct - interval_low) < 1e-9))
        AND (exact_pct < interval_high OR (ends[2] = ']' AND abs(exact_pct - interval_high) < 1e-9))
    END AS holds,
    wording,
    source,
    CASE WHEN compared THEN 'comparator' WHEN interval_low IS NOT NULL THEN 'wording' END AS judged_on,
    CASE WHEN compared THEN NULL
         WHEN interval_low IS NULL THEN 'unknown wording'
         ELSE concat_ws(' ', nullif(quantifier, ''),
                        coalesce(nullif(q.percent, '') || '%', nullif(q.count, '') || ' out of ' || q.count_of,
                                 nullif(q.ratio, '') || ' in ' || q.ratio_of, nullif(q.fraction, '')))
              || ': ' || ends[1] || round(interval_low, 2) || ', ' || round(interval_high, 2) || ends[2]
    END AS reading,
    CASE WHEN NOT compared THEN round(interval_low, 4) END AS interval_low,
    CASE WHEN NOT compared THEN round(interval_high, 4) END AS interval_high
FROM computed
ORDER BY inspection_id, metric, comparator, claimed_pct, wording;
