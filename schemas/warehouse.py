"""The warehouse described once: every table, view and column, with its meaning.

The publish step writes these descriptions into the DuckDB file as COMMENTs (so
`duckdb_tables()`, `duckdb_views()` and `duckdb_columns()` explain the schema), and
`docs/data-dictionary.md` is generated from them (`make docs`). Tests check that every
published table, view and column is described here, with the type DuckDB really has, and
that the committed data dictionary is the generated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# Descriptions of columns that mean the same wherever they appear.
COMMON = {
    "inspection_id": "One inspection of one force, as given in the input (e.g. MPS-NCPI-2016).",
    "force": "The police force inspected.",
    "category": "Case category: missing_absent, custody, cse, online_cse, domestic_abuse, "
    "child_abuse_investigation, police_protection or sex_offender_management.",
    "area": "Borough or command unit; NULL when not recorded.",
    "cases": "Number of valid cases.",
    "good": "Cases the inspection rated good.",
    "requires_improvement": "Cases the inspection rated requires_improvement.",
    "inadequate": "Cases the inspection rated inadequate.",
    "not_good": "Cases rated requires_improvement or inadequate.",
    "pct_not_good": "100 x not_good / cases, one decimal.",
    "ci_low": "Lower bound of the 95% Wilson interval of the percentage, one decimal.",
    "ci_high": "Upper bound of the 95% Wilson interval of the percentage, one decimal.",
    "metric": "Headline metric name (see headline_figures).",
    "numerator": "Cases counted by the metric.",
    "denominator": "Cases the metric is a share of.",
    "pct": "100 x numerator / denominator, one decimal; NULL when the denominator is 0.",
    "small_numbers": "The share's denominator is below small_numbers_minimum() (10): too few "
    "cases for a reliable percentage. Public feeds withhold the percentage (status "
    "low_reliability).",
    "source_file": "Input file, as a path relative to the input folder.",
    "source_row": "Row number as a spreadsheet shows it (header = row 1).",
    "rule": "Validation rule code (`case-audit rules`).",
    "column_name": "The input column the reason is about.",
    "message": "What is wrong and what to do.",
    "wording": "The published wording.",
    "source": "Where it was published.",
    "force_rating": "The force's own rating of the case: good, adequate, requires_improvement "
    "or inadequate.",
    "rating": "The inspection's rating: good, requires_improvement or inadequate.",
    "status": "Outcome; see the table's description for the values.",
}


@dataclass(frozen=True)
class Relation:
    """A published table or view, declared once: its grain, meaning and columns (name, type,
    meaning), and for a table how it is built: the Dagster step that runs `sql/<name>.sql`
    (`step`), the assets it reads (`reads`), helper SQL files run first (`helpers`), and
    reference files its SQL reads through DuckDB variables (`reference`: variable, file).
    The steps' assets, their descriptions and the published list are derived from here."""

    name: str
    kind: str  # "table" or "view"
    grain: str
    description: str
    columns: tuple[tuple[str, str, str | None], ...]  # None: the COMMON description
    step: str = ""
    reads: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()
    reference: tuple[tuple[str, str], ...] = ()

    def column_description(self, column: str) -> str:
        for name, _, text in self.columns:
            if name == column:
                return text or COMMON[name]
        raise KeyError(f"{self.name}.{column} is not described")


def _counts(dimension: str) -> tuple[tuple[str, str, str | None], ...]:
    return (
        ("inspection_id", "VARCHAR", None),
        ("force", "VARCHAR", None),
        (dimension, "VARCHAR", None),
        ("cases", "BIGINT", None),
        ("good", "BIGINT", None),
        ("requires_improvement", "BIGINT", None),
        ("inadequate", "BIGINT", None),
        ("not_good", "BIGINT", None),
        ("pct_not_good", "DOUBLE", None),
        ("ci_low", "DOUBLE", None),
        ("ci_high", "DOUBLE", None),
        ("small_numbers", "BOOLEAN", None),
    )


# the Dagster steps that build tables (pipeline/*/assets.py), in the order a run takes them
VALIDATE, DERIVED, RECONCILE, PUBLISH = (
    "validated_cases",
    "derived_tables",
    "reconcile",
    "published_warehouse",
)

TABLES: tuple[Relation, ...] = (
    Relation(
        "case_audits", "table", "one row per valid case",
        "The validated cases, typed. The provider's case_ref is replaced by case_key.",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("case_key", "VARCHAR", "HMAC-SHA256 of inspection_id, U+001F, case_ref under the "
             "project's secret key (64 hex characters): stable across runs, not reversible."),
            ("area", "VARCHAR", None),
            ("category", "VARCHAR", None),
            ("audit_date", "DATE", "Date of the audit of the case."),
            ("rating", "VARCHAR", None),
            ("referred_back", "BOOLEAN", "Referred back to the force for a continuing risk to a "
             "child."),
            ("force_rating", "VARCHAR", "The force's self-assessment of the case; NULL when it "
             "gave none."),
            ("charged", "BOOLEAN", "Custody cases: the child was charged (NULL otherwise)."),
            ("bail_refused", "BOOLEAN", "Custody cases: bail was refused (NULL otherwise)."),
            ("detained_until_court", "BOOLEAN", "Custody cases: kept in police custody to "
             "appear in court (NULL otherwise)."),
            ("la_accommodation_requested", "BOOLEAN", "Custody cases: local-authority "
             "accommodation asked for (PACE s.38(6)); NULL when not recorded."),
            ("missing_episodes", "INTEGER", "missing_absent cases: number of missing "
             "episodes (NULL otherwise)."),
            ("cse_risk_assessed", "BOOLEAN", "The link between going missing and CSE risk was "
             "considered; NULL when not recorded."),
            ("synthetic", "BOOLEAN", "The provider marked the record invented (synthetic "
             "data, not a real case); NULL when not marked."),
            ("source_file", "VARCHAR", None),
            ("source_row", "INTEGER", None),
        ),
        step=VALIDATE, reads=("case_files",),
    ),
    Relation(
        "rejected_rows", "table", "one row per (rejected row, reason)",
        "Quarantined input rows with every reason. The only table holding the provider's "
        "case_ref, so the provider can fix the row. A row with several reasons counts once "
        "in file_loads.",
        (
            ("source_file", "VARCHAR", None),
            ("source_row", "INTEGER", None),
            ("inspection_id", "VARCHAR", "inspection_id as given (may be missing or invalid)."),
            ("case_ref", "VARCHAR", "The provider's reference as given, to find the row."),
            ("column_name", "VARCHAR", None),
            ("rule", "VARCHAR", None),
            ("message", "VARCHAR", None),
            ("value", "VARCHAR", "The cell as given, trimmed; over 200 characters cut with its "
             "length; NULL when empty; for extra_cells only the count."),
            ("hint", "VARCHAR", "What fixes the row, where it can be told: the value probably "
             "meant (`Did you mean missing_absent?`), the force most of the inspection's rows "
             "name, where the other copies of a case_ref are; NULL otherwise."),
        ),
        step=VALIDATE, reads=("case_files",),
    ),
    Relation(
        "data_queries", "table", "one row per (loaded row, query); one per (inspection, query) "
        "for a query about a whole inspection",
        "Rows worth a second look, flagged for their provider without holding anything back "
        "(the queries of `case-audit rules`): an audit date far from its inspection's others, a "
        "custody case without la_accommodation_requested, an inspection its force rarely "
        "rated itself.",
        (
            ("source_file", "VARCHAR", "Input file of the row; NULL for a query about a whole "
             "inspection."),
            ("source_row", "INTEGER", "Row number as a spreadsheet shows it; NULL for a query "
             "about a whole inspection."),
            ("inspection_id", "VARCHAR", None),
            ("column_name", "VARCHAR", None),
            ("rule", "VARCHAR", "Query code (`case-audit rules`)."),
            ("message", "VARCHAR", None),
            ("value", "VARCHAR", "What was queried: the audit date, or how many cases were "
             "self-rated; NULL for a missing value."),
        ),
        step=VALIDATE, reads=("case_files",),
    ),
    Relation(
        "file_loads", "table", "one row per input file seen",
        "What happened to each input file. For every loaded file rows_read = rows_loaded + "
        "rows_rejected (a blocking check).",
        (
            ("source_file", "VARCHAR", None),
            ("sha256", "VARCHAR", "SHA-256 of the file's bytes as read."),
            ("status", "VARCHAR", "loaded or refused (nothing of a refused file is stored)."),
            ("rows_read", "INTEGER", "Data rows read (0 for a refused file)."),
            ("rows_loaded", "INTEGER", "Rows of this file in case_audits."),
            ("rows_rejected", "INTEGER", "Distinct rows of this file in rejected_rows."),
            ("rule", "VARCHAR", "Refusal rule code; NULL for a loaded file."),
            ("message", "VARCHAR", "Refusal reason, or the unknown columns dropped; NULL when "
             "there is nothing to say."),
        ),
        step=VALIDATE, reads=("case_files",),
    ),
    Relation(
        "inspections", "table", "one row per inspection loaded",
        "Each inspection whose cases loaded: its force, how many valid cases, the span of its "
        "audit dates, and whether its records are synthetic (invented, such as the shipped "
        "sample): figures of a synthetic inspection are labelled so wherever they are shown.",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("cases", "BIGINT", None),
            ("first_audit_date", "DATE", "The earliest audit date of its cases."),
            ("last_audit_date", "DATE", "The latest audit date of its cases: the inspection's "
             "date in trends."),
            ("synthetic", "BOOLEAN", "Any of its records is marked synthetic (invented): its "
             "figures are not about real cases."),
        ),
        step=DERIVED, reads=("case_audits",),
    ),
    Relation(
        "ratings_by_category", "table", "one row per inspection x category present",
        "Inspection ratings per category, with the share not good and its 95% interval.",
        _counts("category"),
        step=DERIVED, reads=("case_audits",), helpers=("macros", "rating_counts"),
    ),
    Relation(
        "ratings_by_area", "table", "one row per inspection x area present",
        "Inspection ratings per area; a NULL area groups the cases whose area was not "
        "recorded. Unsuppressed: public feeds apply disclosure control.",
        _counts("area"),
        step=DERIVED, reads=("case_audits",), helpers=("macros", "rating_counts"),
    ),
    Relation(
        "ratings_by_area_category", "table", "one row per inspection x area x category present",
        "Inspection ratings per area and category (which areas are worst for missing "
        "children?), with the share not good, its 95% interval and the small-numbers flag. "
        "Unsuppressed, for analysts: no public feed is made from it.",
        (*_counts("area")[:3], ("category", "VARCHAR", None), *_counts("area")[3:]),
        step=DERIVED, reads=("case_audits",), helpers=("macros", "rating_counts"),
    ),
    Relation(
        "headline_figures", "table", "one row per inspection x metric",
        "The contract's headline metrics: cases_audited, cases_not_good, cases_inadequate, "
        "cases_referred_back, missing_good, missing_not_good, custody_detained_after_charge, "
        "cse_not_good, self_assessed_not_good, self_assessed_force_good_or_adequate.",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("metric", "VARCHAR", "Metric name (see the metric table in this document)."),
            ("numerator", "BIGINT", None),
            ("denominator", "BIGINT", None),
            ("pct", "DOUBLE", None),
            ("ci_low", "DOUBLE", None),
            ("ci_high", "DOUBLE", None),
            ("metric_order", "INTEGER", "Display order of the metric (1 = cases_audited)."),
            ("small_numbers", "BOOLEAN", None),
        ),
        step=DERIVED, reads=("case_audits",), helpers=("macros", "metric_cases"),
    ),
    Relation(
        "published_reconciliation", "table", "one row per published figure",
        "Each published figure (data/reference/published_figures.csv) next to the computed "
        "one. status: matches, differs, metric_unknown, inspection_not_loaded or "
        "nothing_to_compare; a blocking check fails on differs, metric_unknown and "
        "nothing_to_compare.",
        (
            ("inspection_id", "VARCHAR", None),
            ("metric", "VARCHAR", None),
            ("published_numerator", "BIGINT", "Published count; NULL where only a percentage "
             "was published."),
            ("published_denominator", "BIGINT", "Published denominator; NULL if none."),
            ("published_pct", "DOUBLE", "Published percentage; NULL where counts were "
             "published."),
            ("computed_numerator", "BIGINT", "numerator from headline_figures."),
            ("computed_denominator", "BIGINT", "denominator from headline_figures."),
            ("computed_pct", "DOUBLE", "pct from headline_figures."),
            ("matches", "BOOLEAN", "Counts equal exactly and a published percentage equals the "
             "computed one (from the counts) rounded to a whole number; NULL when not "
             "compared."),
            ("status", "VARCHAR", "matches, differs, metric_unknown, inspection_not_loaded or "
             "nothing_to_compare."),
            ("wording", "VARCHAR", None),
            ("source", "VARCHAR", None),
        ),
        step=RECONCILE, reads=("headline_figures",),
        reference=(("published_figures_csv", "published_figures.csv"),),
    ),
    Relation(
        "claim_checks", "table", "one row per published claim",
        "Statements made about the figures (data/reference/published_claims.csv), tested "
        "against the exact computed percentage. A false claim is information, not a failure.",
        (
            ("inspection_id", "VARCHAR", None),
            ("metric", "VARCHAR", None),
            ("comparator", "VARCHAR", "One of >, >=, <, <=, =."),
            ("claimed_pct", "DOUBLE", "The percentage the claim compares with."),
            ("computed_pct", "DOUBLE", "pct from headline_figures (one decimal)."),
            ("holds", "BOOLEAN", "The exact percentage (unrounded) compared with claimed_pct; "
             "for =, rounded to one decimal; NULL when not computed or the comparator is "
             "unknown."),
            ("wording", "VARCHAR", None),
            ("source", "VARCHAR", None),
        ),
        step=RECONCILE, reads=("headline_figures",),
        reference=(("published_claims_csv", "published_claims.csv"),),
    ),
    Relation(
        "trends", "table", "one row per inspection x metric",
        "Each inspection's headline figures next to the same force's previous inspection (in "
        "order of inspection_date). The first inspection of a force has NULL previous values.",
        (
            ("force", "VARCHAR", None),
            ("metric", "VARCHAR", None),
            ("inspection_id", "VARCHAR", None),
            ("inspection_date", "DATE", "The inspection's last audit_date."),
            ("numerator", "BIGINT", None),
            ("denominator", "BIGINT", None),
            ("pct", "DOUBLE", None),
            ("ci_low", "DOUBLE", None),
            ("ci_high", "DOUBLE", None),
            ("previous_inspection_id", "VARCHAR", "The force's previous inspection; NULL for "
             "its first."),
            ("previous_inspection_date", "DATE", "Its inspection_date."),
            ("previous_numerator", "BIGINT", "Its numerator for the same metric."),
            ("previous_denominator", "BIGINT", "Its denominator."),
            ("previous_pct", "DOUBLE", "Its pct for the same metric."),
            ("change_pct_points", "DOUBLE", "pct - previous_pct, in percentage points."),
            ("change_ci_low", "DOUBLE", "Lower bound of the 95% interval of the change, in "
             "percentage points, one decimal (Newcombe's hybrid score method)."),
            ("change_ci_high", "DOUBLE", "Upper bound of that interval."),
            ("change_verdict", "VARCHAR", "rose or fell when the interval of the change lies "
             "wholly above or below 0; no clear change otherwise; NULL for a first inspection "
             "or an empty share."),
            ("small_numbers", "BOOLEAN", None),
            ("change_small_numbers", "BOOLEAN", "Either inspection's denominator is below "
             "small_numbers_minimum(): the change rests on too few cases."),
            ("metric_order", "INTEGER", "Display order of the metric (1 = cases_audited)."),
        ),
        step=DERIVED, reads=("headline_figures",),
    ),
    Relation(
        "self_assessment_agreement", "table", "one row per inspection x force_rating x rating",
        "Cross-tabulation of the force's self-assessment against the inspection rating, for "
        "the cases the force rated.",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("force_rating", "VARCHAR", None),
            ("rating", "VARCHAR", None),
            ("cases", "BIGINT", "Cases with this pair of ratings."),
        ),
        step=DERIVED, reads=("case_audits",),
    ),
    Relation(
        "self_assessment_kappa", "table", "one row per inspection with self-assessed cases",
        "Cohen's kappa of the force's self-assessment against the inspection, on the shared "
        "question 'handled acceptably?' (force: good or adequate; inspection: good).",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("cases", "BIGINT", "Cases with a force_rating."),
            ("cases_agreeing", "BIGINT", "Cases where both judged it the same way."),
            ("force_acceptable", "BIGINT", "Cases the force rated good or adequate."),
            ("inspection_acceptable", "BIGINT", "Of those cases, the ones the inspection rated "
             "good."),
            ("observed_agreement", "DOUBLE", "cases_agreeing / cases, three decimals."),
            ("expected_agreement", "DOUBLE", "Agreement expected by chance, three decimals."),
            ("kappa", "DOUBLE", "(observed - expected) / (1 - expected), three decimals; NULL "
             "when expected is 1."),
            ("kappa_low", "DOUBLE", "Lower bound of kappa's 95% interval (large-sample "
             "standard error, Fleiss, Cohen and Everitt 1969), cut at -1."),
            ("kappa_high", "DOUBLE", "Upper bound, cut at 1."),
            ("agreement", "VARCHAR", "kappa in words (Landis and Koch): poor (below 0), slight "
             "(to 0.2), fair (to 0.4), moderate (to 0.6), substantial (to 0.8), almost "
             "perfect."),
        ),
        step=DERIVED, reads=("case_audits",),
    ),
    Relation(
        "quarantine_summary", "table", "one row per file x rule x column",
        "For data providers: how many rows of each file were quarantined, under which rule "
        "and column, and the first rows to look at.",
        (
            ("source_file", "VARCHAR", None),
            ("rule", "VARCHAR", None),
            ("column_name", "VARCHAR", None),
            ("rows", "BIGINT", "Distinct rows of the file with this reason."),
            ("message", "VARCHAR", None),
            ("first_rows", "VARCHAR", "Up to ten of those row numbers, ascending."),
        ),
        step=DERIVED, reads=("rejected_rows",),
    ),
    Relation(
        "pipeline_runs", "table", "one row per finished run",
        "The run history, carried from run to run: when the figures last changed and why. "
        "Rows are only ever added.",
        (
            ("run_id", "VARCHAR", "Dagster run id."),
            ("status", "VARCHAR", "success or failure."),
            ("trigger", "VARCHAR", "cli, schedule:<name>, sensor:<name> or manual (UI)."),
            ("started_at", "TIMESTAMP WITH TIME ZONE", "When the run started."),
            ("finished_at", "TIMESTAMP WITH TIME ZONE", "When it was recorded as finished."),
            ("files_seen", "INTEGER", "Files in file_loads (NULL for a failed run)."),
            ("files_refused", "INTEGER", "Of which refused."),
            ("rows_loaded", "BIGINT", "Rows loaded into case_audits."),
            ("rows_rejected", "BIGINT", "Rows quarantined."),
            ("checks_passed", "INTEGER", "Asset checks that passed in the run."),
            ("checks_failed", "INTEGER", "Asset checks that failed in the run."),
            ("figures_changed", "BOOLEAN", "headline_figures counts differ from the previously "
             "published warehouse."),
            ("input_changes", "VARCHAR", "Files added, changed or removed since the previous "
             "publish; NULL when none."),
            ("input_fingerprint", "VARCHAR", "SHA-256 over the sorted (file, sha256) pairs: "
             "equal fingerprints, equal inputs."),
            ("failed_asset", "VARCHAR", "The asset whose step or check failed first."),
            ("error_summary", "VARCHAR", "The failure in plain words (at most 2,000 "
             "characters)."),
        ),
        step=PUBLISH,
    ),
)  # fmt: skip


def _view(name: str, source: str, description: str) -> Relation:
    """A consumer view with all of `source`'s columns, described as the source describes them."""
    table = next(t for t in TABLES if t.name == source)
    return Relation(name, "view", table.grain, description, table.columns)


VIEWS: tuple[Relation, ...] = (
    Relation(
        "rating_counts", "view", "one row per inspection x category, per inspection x area and "
        "per inspection x area x category",
        "Where rating counts are defined once: ratings_by_category, ratings_by_area and "
        "ratings_by_area_category select their part. Internal: prefer the v_ views.",
        (("grouped_by", "VARCHAR", "category, area or area_category: which grouping the row "
          "belongs to."),
         *_counts("category")[:3], ("area", "VARCHAR", None), *_counts("category")[3:]),
    ),
    Relation(
        "metric_cases", "view", "one row per inspection x headline metric x valid case",
        "Where the headline metrics are defined, case by case: whether each case is in a "
        "metric's numerator and denominator. headline_figures counts these rows, so every "
        "figure can be traced to its cases (`case-audit explain INSPECTION METRIC`).",
        (
            ("inspection_id", "VARCHAR", None),
            ("force", "VARCHAR", None),
            ("metric", "VARCHAR", "Metric name (see the metric table in this document)."),
            ("metric_order", "INTEGER", "Display order of the metric (1 = cases_audited)."),
            ("case_key", "VARCHAR", "The case's key in case_audits (never the provider's "
             "case_ref)."),
            ("category", "VARCHAR", None),
            ("area", "VARCHAR", None),
            ("in_numerator", "BOOLEAN", "The case is counted by the metric."),
            ("in_denominator", "BOOLEAN", "The case is among those the metric is a share of."),
        ),
    ),
    _view("v_headline", "headline_figures", "Stable view of headline_figures for dashboards."),
    _view("v_inspections", "inspections", "Stable view of inspections for dashboards: which "
          "are synthetic data."),
    _view("v_ratings_by_category", "ratings_by_category",
          "Stable view of ratings_by_category for dashboards."),
    _view("v_ratings_by_area", "ratings_by_area", "Stable view of ratings_by_area for analysts "
          "(unsuppressed; public feeds apply disclosure control)."),
    _view("v_ratings_by_area_category", "ratings_by_area_category", "Stable view of "
          "ratings_by_area_category for analysts (unsuppressed; no public feed)."),
    _view("v_trends", "trends", "Stable view of trends for dashboards."),
    _view("v_self_assessment", "self_assessment_kappa",
          "Stable view of self_assessment_kappa for dashboards."),
    Relation(
        "v_reconciliation", "view", "one row per published figure or claim",
        "Published figures (kind = figure) and press claims (kind = claim) against the "
        "computed figures, in one list for dashboards.",
        (
            ("inspection_id", "VARCHAR", None),
            ("metric", "VARCHAR", None),
            ("kind", "VARCHAR", "figure or claim."),
            ("status", "VARCHAR", "For a figure as in published_reconciliation; for a claim "
             "holds, does_not_hold or not_computed."),
            ("holds", "BOOLEAN", "The figure matches, or the claim holds; NULL when not "
             "compared."),
            ("published_numerator", "BIGINT", "Published count (figures only)."),
            ("published_denominator", "BIGINT", "Published denominator (figures only)."),
            ("published_pct", "DOUBLE", "Published percentage, or the claimed percentage."),
            ("comparator", "VARCHAR", "The claim's comparator (claims only)."),
            ("computed_numerator", "BIGINT", "Computed count (figures only)."),
            ("computed_denominator", "BIGINT", "Computed denominator (figures only)."),
            ("computed_pct", "DOUBLE", "Computed percentage."),
            ("wording", "VARCHAR", None),
            ("source", "VARCHAR", None),
        ),
    ),
    Relation(
        "v_data_quality", "view", "one row per input file x quarantine reason (or per file)",
        "Per input file: what loaded, what was refused or quarantined, and why.",
        (
            ("source_file", "VARCHAR", None),
            ("status", "VARCHAR", "loaded or refused."),
            ("rows_read", "INTEGER", "Data rows read."),
            ("rows_loaded", "INTEGER", "Rows loaded."),
            ("rows_rejected", "INTEGER", "Rows quarantined."),
            ("refusal_rule", "VARCHAR", "Why the file was refused; NULL when loaded."),
            ("file_message", "VARCHAR", "The refusal reason or dropped columns."),
            ("rule", "VARCHAR", "A quarantine rule seen in the file; NULL when none."),
            ("column_name", "VARCHAR", None),
            ("rule_rows", "BIGINT", "Rows of the file with this reason."),
            ("first_rows", "VARCHAR", "Up to ten of those row numbers."),
            ("rule_message", "VARCHAR", "What is wrong and what to do."),
        ),
    ),
    Relation(
        "v_data_quality_summary", "view", "one row for the run, per refusal rule, per row rule",
        "The public data-quality figures (the data_quality feed): the run's totals, files "
        "refused per rule, files and rows quarantined per rule. No file names and no counts "
        "per file, which could reveal a suppressed area count when files map to areas.",
        (
            ("level", "VARCHAR", "run (totals), file (a refusal rule) or row (a row rule)."),
            ("rule", "VARCHAR", "The rule; `all` on the run's row."),
            ("column_name", "VARCHAR", "The column a row rule blames; NULL otherwise."),
            ("files", "BIGINT", "Files seen (run), refused (file) or with such rows (row)."),
            ("rows_read", "BIGINT", "Data rows read in the run (run row only)."),
            ("rows_loaded", "BIGINT", "Rows loaded in the run (run row only)."),
            ("rows_rejected", "BIGINT", "Rows quarantined in the run, or with this rule."),
        ),
    ),
    _view("v_runs", "pipeline_runs", "The run history, newest first."),
)  # fmt: skip

RELATIONS: tuple[Relation, ...] = (*TABLES, *VIEWS)


def built_by(step: str) -> tuple[Relation, ...]:
    """The tables a step builds, in registry order (which is their build order)."""
    return tuple(relation for relation in TABLES if relation.step == step)


# What runs before the registry's tables, in order: the staging and assembly SQL, and the
# relations Python makes between those files (`python:<relation>`: the inventory,
# pipeline/ingest/inventory.py; chunks judged by pandera and the files of this run,
# pipeline/validate/engine.py; rule messages, pipeline/validate/cross_row.py).
STAGING_ORDER = (
    "python:input_files", "staging",
    "python:checked_rows", "python:row_failures", "stage_rows",
    "python:staged_this_run", "python:current_files", "python:rule_messages",
    "cross_row_reasons", "appendable_files", "python:assembling_files",
    "case_audit_rows", "row_reasons",
)  # fmt: skip
# After the registry's tables: the run history and its summary, the consumer views; the
# partitioned merge's own files last (pipeline/partitions/merge.py).
PUBLISH_ORDER = (
    "pipeline_runs", "python:found_files", "input_changes", "run_summary", "views/*",
    "python:partition_inspections", "partition_overlaps", "partition_summary",
)  # fmt: skip


def sql_order(views: list[str]) -> list[str]:
    """Every SQL file of a run in the order it runs (`views`: the consumer views' file names,
    `views/v_...`), with the relations Python makes between them. Each file's header
    (`-- reads:` / `-- writes:`) is checked against it by tests/warehouse/test_sql.py."""
    order = list(STAGING_ORDER)
    for table in (t for step in (VALIDATE, DERIVED, RECONCILE) for t in built_by(step)):
        order += [h for h in table.helpers if h not in order] + [table.name]
    for name in PUBLISH_ORDER:
        order += sorted(views) if name == "views/*" else [name]
    return order


# the tables a run builds and publishes (pipeline_runs, the run history, is added by the
# publish step itself)
PUBLISHED_TABLES = tuple(r.name for r in TABLES if r.step in (VALIDATE, DERIVED, RECONCILE))

# the product contract's tables and columns (../shared/CONTRACT.md, v1): never renamed or
# dropped without a versioned migration; anything else here is marked "(added)" in the docs
CONTRACT_COLUMNS = {
    "case_audits": ("inspection_id", "force", "case_key", "area", "category", "audit_date",
                    "rating", "referred_back", "force_rating", "charged", "bail_refused",
                    "detained_until_court", "la_accommodation_requested", "missing_episodes",
                    "cse_risk_assessed", "source_file", "source_row"),
    "rejected_rows": ("source_file", "source_row", "inspection_id", "case_ref", "column_name",
                      "rule", "message", "value"),
    "file_loads": ("source_file", "sha256", "status", "rows_read", "rows_loaded",
                   "rows_rejected", "message"),
    "ratings_by_category": ("inspection_id", "force", "category", "cases", "good",
                            "requires_improvement", "inadequate", "not_good", "pct_not_good"),
    "ratings_by_area": ("inspection_id", "force", "area", "cases", "good",
                        "requires_improvement", "inadequate", "not_good", "pct_not_good"),
    "headline_figures": ("inspection_id", "force", "metric", "numerator", "denominator", "pct"),
    "published_reconciliation": ("inspection_id", "metric", "published_numerator",
                                 "published_denominator", "published_pct", "computed_numerator",
                                 "computed_denominator", "computed_pct", "matches", "source"),
    "claim_checks": ("inspection_id", "metric", "comparator", "claimed_pct", "computed_pct",
                     "holds", "wording", "source"),
}  # fmt: skip


class Metric(NamedTuple):
    """A headline metric as readers see it: its plain-English label, and what its numerator
    and denominator count."""

    name: str
    label: str
    numerator: str
    denominator: str


# headline metrics, in the order sql/metric_cases.sql defines them
METRICS = (
    Metric("cases_audited", "Cases audited", "valid cases", "valid cases"),
    Metric("cases_not_good", "Cases not rated good", "rated `requires_improvement` or "
           "`inadequate`", "valid cases"),
    Metric("cases_inadequate", "Cases rated inadequate", "rated `inadequate`", "valid cases"),
    Metric("cases_referred_back", "Cases referred back: a child still at risk",
           "`referred_back` true", "valid cases"),
    Metric("missing_good", "Missing-children cases rated good", "`missing_absent` rated "
           "`good`", "`missing_absent` cases"),
    Metric("missing_not_good", "Missing-children cases not rated good", "`missing_absent` not "
           "rated `good`", "`missing_absent` cases"),
    Metric("custody_detained_after_charge", "Children in custody charged, refused bail and "
           "kept in cells until court", "custody cases charged, refused bail and detained "
           "until court", "`custody` cases"),
    Metric("cse_not_good", "Child sexual exploitation cases not rated good", "`cse` and "
           "`online_cse` not rated `good`", "`cse` and `online_cse` cases"),
    Metric("self_assessed_not_good", "Cases the force rated itself that inspectors found not "
           "good", "cases with a `force_rating` that the inspection rated not good",
           "cases with a `force_rating`"),
    Metric("self_assessed_force_good_or_adequate", "Cases the force rated good or adequate",
           "cases the force rated `good` or `adequate`", "cases with a `force_rating`"),
)  # fmt: skip
METRIC_BY_NAME = {metric.name: metric for metric in METRICS}

# macros kept in the published file for analysts (sql/macros.sql)
MACROS = {
    "percent": "percent(k, n): 100 * k / n rounded to one decimal; NULL when n = 0.",
    "wilson_low": "wilson_low(k, n): lower bound of the 95% Wilson interval of k of n, in "
    "percent, one decimal; NULL when n = 0.",
    "wilson_high": "wilson_high(k, n): upper bound of the 95% Wilson interval, as wilson_low.",
    "wilson_bound": "wilson_bound(k, n, sign): the Wilson bound for sign -1 (low) or +1 (high), "
    "unclipped; use wilson_low / wilson_high.",
    "wilson": "wilson(k, n, sign): the Wilson bound as a proportion, unrounded.",
    "newcombe_margin": "newcombe_margin(k1, n1, k0, n0, sign): the distance from the change "
    "k1/n1 - k0/n0 to the lower (sign -1) or upper (+1) end of its 95% interval, as a "
    "proportion; use newcombe_low / newcombe_high.",
    "newcombe_low": "newcombe_low(k1, n1, k0, n0): lower bound of the 95% interval of the change "
    "k1/n1 - k0/n0, in percentage points, one decimal (Newcombe's hybrid score method).",
    "newcombe_high": "newcombe_high(k1, n1, k0, n0): upper bound, as newcombe_low.",
    "change_verdict": "change_verdict(k1, n1, k0, n0): rose or fell when the change's 95% "
    "interval excludes 0, else no clear change.",
    "small_numbers_minimum": "small_numbers_minimum(): the fewest cases a published percentage "
    "may rest on (10); fewer are flagged small_numbers.",
    "small_number": "small_number(n): n is below small_numbers_minimum().",
}
