"""`case-audit run | check | explain | rules | synth`: the command line of the data contract.

Data and configuration problems are printed as plain sentences naming file, row and column;
a traceback only ever means a bug in case-audit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from pipeline.errors import CaseAuditError
from pipeline.progress import Progress, TerminalProgress, showing
from pipeline.settings import Settings, check_environment
from schemas.rules import check_frameworks

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text a provider wrote (a file name, a force, a hint), printed so that nothing in it acts
    on the terminal: control characters (an escape sequence, a line break) as `\\x1b`."""
    return CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", text)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.1f}" if isinstance(value, float) else terminal_safe(str(value))


Table = tuple[list[str], list[tuple]]


def _print_table(table: Table) -> None:
    """Columns right-aligned under their names; empty for missing values."""
    names, records = table
    if not records:
        print("  (none)")
        return
    rows = [[_cell(v) for v in record] for record in records]
    widths = [max(len(n), *(len(r[i]) for r in rows)) for i, n in enumerate(names)]
    print(" ".join(n.rjust(w) for n, w in zip(names, widths, strict=True)))
    for row in rows:
        print(" ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


# ---------------------------------------------------------------- run

REPORT_QUERIES = {
    "loads": "SELECT source_file, status, rows_read, rows_loaded, rows_rejected, message "
    "FROM file_loads ORDER BY source_file",
    "headline": "SELECT inspection_id, force, metric, numerator, denominator, pct "
    "FROM headline_figures ORDER BY inspection_id, force, metric_order",
    "reconciliation": "SELECT inspection_id, metric, published_numerator AS pub_num, "
    "published_denominator AS pub_den, published_pct AS pub_pct, computed_numerator AS num, "
    "computed_denominator AS den, computed_pct AS pct, status "
    "FROM published_reconciliation ORDER BY inspection_id, metric",
    "claims": "SELECT inspection_id, metric, comparator, claimed_pct, computed_pct, holds, "
    "wording, reading FROM claim_checks ORDER BY inspection_id, metric",
    "quarantine": "SELECT rule, column_name, count(*) AS reasons, count(DISTINCT (source_file, "
    "source_row)) AS rows FROM rejected_rows GROUP BY ALL ORDER BY rows DESC, rule",
    "queries": "SELECT rule, column_name, count(*) AS flagged FROM data_queries GROUP BY ALL "
    "ORDER BY flagged DESC, rule",
}


SHORT_LIMIT = 20  # inspections listed one line each in the short summary
SUMMARY_QUERIES = {
    "files": "SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'refused'), "
    "coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0) FROM file_loads",
    # cases and the share not good (its framework's not-good levels) of every inspection
    "inspections": "SELECT i.inspection_id, i.force, i.cases, "
    "percent(sum(r.not_good), sum(r.cases)) AS pct_not_good FROM inspections AS i "
    "JOIN ratings_by_category AS r USING (inspection_id, force) "
    "GROUP BY i.inspection_id, i.force, i.cases ORDER BY i.inspection_id",
    "reconciled": "SELECT status, count(*) FROM published_reconciliation GROUP BY ALL ORDER BY ALL",
    "claims": "SELECT count(*) FILTER (holds), count(*) FILTER (NOT holds), "
    "count(*) FILTER (holds IS NULL) FROM claim_checks",
    "synthetic": "SELECT inspection_id FROM inspections WHERE synthetic ORDER BY 1",
}


def report_warehouse(path: Path, inspection: str | None = None, everything: bool = False) -> None:
    """Print what a run published: a short summary by default (totals, one line per
    inspection, reconciliation and claims in counts, the top quarantine rules), every table
    in full with `everything`, or one inspection's figures in full (plain DuckDB rows:
    printing a report needs no pandas). Few inspections are shown in full by default."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as conn:

        def table(query: str, *params: object) -> Table:
            result = conn.execute(query, list(params))
            return [d[0] for d in result.description], result.fetchall()

        inspections = table(SUMMARY_QUERIES["inspections"])[1]
        if inspection is not None and inspection not in {row[0] for row in inspections}:
            print(
                f"No inspection {inspection!r} in the warehouse this run published, so its "
                "figures cannot be shown; the run itself succeeded. What it holds:\n"
            )
            inspection = None
        synthetic = [i for (i,) in table(SUMMARY_QUERIES["synthetic"])[1]]
        if synthetic:
            named = ", ".join(synthetic[:5]) + (" …" if len(synthetic) > 5 else "")
            print(
                f"SYNTHETIC DATA: {len(synthetic)} inspection(s) ({named}) are invented "
                "records, not real cases; their figures say so wherever they are shown.\n"
            )
        if everything or inspection is not None or len(inspections) <= 3:
            where = "" if inspection is None else " WHERE inspection_id = ?"
            params = () if inspection is None else (inspection,)
            _report_in_full(table, where, params, inspection is None)
            return
        _report_short(table, inspections)


def _report_in_full(table: Callable[..., Table], where: str, params: tuple, files: bool) -> None:
    if files:
        print("Files")
        _print_table(table(REPORT_QUERIES["loads"]))
    names, headline = table(
        REPORT_QUERIES["headline"].replace(" ORDER BY", where + " ORDER BY"), *params
    )
    if not headline:
        print("\nHeadline figures\n  (no valid cases loaded)")
    for inspection, force in dict.fromkeys((row[0], row[1]) for row in headline):
        print(f"\nHeadline figures: {inspection} ({force})")
        _print_table((names[2:], [row[2:] for row in headline if row[:2] == (inspection, force)]))
    for title, name in (
        ("Published figures, reconciled", "reconciliation"),
        ("Published claims", "claims"),
    ):
        print(f"\n{title}")
        _print_table(table(REPORT_QUERIES[name].replace(" ORDER BY", where + " ORDER BY"), *params))
    if files:
        print("\nQuarantined rows by rule (details: table rejected_rows)")
        _print_table(table(REPORT_QUERIES["quarantine"]))
        print("\nQueries: worth a second look, nothing held back (details: table data_queries)")
        _print_table(table(REPORT_QUERIES["queries"]))


def _report_short(table: Callable[..., Table], inspections: list[tuple]) -> None:
    [(loaded, refused, rows, rejected)] = table(SUMMARY_QUERIES["files"])[1]
    print(
        f"Files: {loaded} loaded, {refused} refused; rows: {rows:,} loaded, {rejected:,} "
        f"quarantined (details: v_data_quality, rejected_rows)"
    )
    print(
        f"\n{len(inspections)} inspections (one line each; --inspection ID for one in full, "
        "--all for everything)"
    )
    shown = inspections[:SHORT_LIMIT]
    _print_table((["inspection_id", "force", "cases", "pct_not_good"], shown))
    if len(inspections) > len(shown):
        print(f"  ... and {len(inspections) - len(shown)} more")
    statuses = ", ".join(f"{n} {status}" for status, n in table(SUMMARY_QUERIES["reconciled"])[1])
    [(holding, failing, unknown)] = table(SUMMARY_QUERIES["claims"])[1]
    print(f"\nPublished figures: {statuses or 'none'}")
    print(f"Published claims: {holding} hold, {failing} do not, {unknown} not computed")
    for name, title in (
        ("quarantine", "Quarantined rows by rule (top 5; details: table rejected_rows)"),
        ("queries", "Queries, nothing held back (top 5; details: table data_queries)"),
    ):
        names, rules = table(REPORT_QUERIES[name])
        print(f"\n{title}")
        _print_table((names, rules[:5]))


def command_run(args: argparse.Namespace) -> int:
    from pipeline.defs.runner import run_pipeline
    from pipeline.validate.step import MIGRATED
    from pipeline.warehouse.build import built_under_v1
    from schemas.contract import INSPECTION_ID_PATTERN

    if args.inspection is not None and not re.fullmatch(INSPECTION_ID_PATTERN, args.inspection):
        print(
            f"case-audit: --inspection {args.inspection!r} cannot be an inspection_id (3-64 "
            "characters of letters, digits, '_', '.' or '-'); nothing was run.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    settings = Settings.resolve(
        input_dir=args.input, warehouse=args.warehouse, feeds_dir=args.feeds
    )
    print(f"case-audit: input {settings.input_dir} -> warehouse {settings.warehouse}")
    if built_under_v1(settings.warehouse):
        print(f"case-audit: {MIGRATED}")
    with showing(_progress(args.quiet or args.verbose)):
        outcome = run_pipeline(settings, quiet=not args.verbose, rebuild=args.rebuild)
    if not outcome.success:
        recorded = " (recorded in pipeline_runs)" if outcome.recorded else ""
        print(f"\nRun {outcome.run_id} FAILED; {outcome.published}{recorded}.")
        for problem in outcome.problems or ["see the Dagster log above (run with --verbose)"]:
            print(f"  - {problem}")
        return EXIT_PROBLEMS
    print(f"Run {outcome.run_id} succeeded; published {settings.warehouse}")
    for note in outcome.notes:
        print(f"case-audit: {note}")
    print()
    report_warehouse(settings.warehouse, args.inspection, args.all)
    return EXIT_OK


def _progress(quiet: bool) -> Progress:
    """A live display of phases and rows on a terminal; silent otherwise or when asked."""
    return TerminalProgress() if sys.stderr.isatty() and not quiet else Progress()


# ---------------------------------------------------------------- check


def command_check(args: argparse.Namespace) -> int:
    from pipeline.safe_csv import write_csv
    from pipeline.storage.separation import Place, refuse_overlap
    from pipeline.validate.report import check_paths

    paths = [Path(p) for p in args.files]
    report = Path(args.report) if args.report else None
    if report is not None:
        if report.is_dir():
            raise CaseAuditError(
                f"--report {report} is a folder; give a file name, e.g. {report / 'problems.xlsx'}."
            )
        refuse_overlap(
            [Place(report, "the report (--report)")],
            [Place(p, "the folder being checked") for p in paths if p.is_dir()],
            [Place(p, "the file being checked") for p in paths if not p.is_dir()],
        )
    with showing(_progress(args.quiet)):
        problems = check_paths(paths, today=dt.date.today())
    for line in problems.lines:
        print(terminal_safe(line))
    if report is not None:
        workbook = report.suffix.lower() == ".xlsx"
        try:
            if workbook:
                from pipeline.validate.workbook import write_workbook

                written = write_workbook(problems, report, dt.date.today())
            else:
                written = write_csv(problems.problems, report)
        except OSError as exc:
            raise CaseAuditError(
                f"cannot write the report {report}: {exc.strerror or exc}; nothing was written."
            ) from None
        what = (
            "a summary and each file's rows to fix, bad cells highlighted"
            if workbook
            else "one row per problem, safe to open in Excel"
        )
        print(f"\nProblem report ({what}): {written}")
    print(
        f"\n{problems.files} file(s), {problems.rows} row(s): {problems.refused} file(s) "
        f"refused, {problems.rejected_rows} row(s) would be quarantined, {problems.queries} "
        "query(ies) to look at."
    )
    return EXIT_PROBLEMS if problems.refused or problems.rejected_rows else EXIT_OK


# ---------------------------------------------------------------- explain


def _open_warehouse(given: str | None) -> object:
    """The published warehouse, read-only (`--warehouse`, else the setting), or a sentence
    saying why it cannot be read."""
    import duckdb

    path = Settings.resolve(warehouse=given).warehouse
    if not path.is_file():
        raise CaseAuditError(
            f"no warehouse at {path}: run `case-audit run` first, or give --warehouse."
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        raise CaseAuditError(
            f"{path} is not a DuckDB database (or one this DuckDB cannot open); give the "
            "warehouse a run published with --warehouse."
        ) from None


def command_explain(args: argparse.Namespace) -> int:

    from pipeline.warehouse.explain import explain, receipt

    conn = _open_warehouse(args.warehouse)
    if args.receipt:
        with conn:
            return _print_receipt(receipt(conn, args.inspection, args.metric), args)
    with conn:
        found = explain(conn, args.inspection, args.metric)
    words, numerator_text, denominator_text = found.definition
    counted = (
        f"  counts the cases where {numerator_text}, of those where {denominator_text}"
        if numerator_text
        else ""
    )
    share = f" ({100 * found.numerator / found.denominator:.1f}%)" if found.denominator else ""
    agrees = "as" if (found.numerator, found.denominator) == found.published else "NOT as"
    print(f"{found.inspection_id} ({found.force}): {found.metric}")
    print(f"  {words}" + (f" (framework {found.framework})" if found.framework else ""))
    if counted:
        print(counted)
    print(
        f"  {found.numerator} of {found.denominator}{share}, {agrees} in headline_figures "
        f"({found.published[0]} of {found.published[1]})\n"
    )
    for title, by, rows in (
        ("By category", "category", found.by_category),
        ("By area", "area", found.by_area),
    ):
        print(title)
        _print_table(([by, "numerator", "denominator"], [(as_text(v), n, d) for v, n, d in rows]))
        print()
    for title, counted in (
        ("Cases counted (numerator and denominator)", True),
        ("Cases in the denominator only", False),
    ):
        rows = [
            (key, category, as_text(area))
            for key, category, area, in_numerator in found.cases
            if in_numerator == counted
        ]
        print(f"{title}: {len(rows)}")
        _print_table((["case_key", "category", "area"], rows))
        print()
    return EXIT_OK


def _print_receipt(found: object, args: argparse.Namespace) -> int:
    """One figure's receipt, field by field, and whether its digests hold for the cases the
    warehouse holds behind it."""
    print(f"Receipt of {args.inspection}: {args.metric}")
    for name, value in found.fields.items():
        print(f"  {name:<23} {as_text(str(value))}")
    verdict = (
        "hold: recomputed from metric_cases, both digests are as stored"
        if found.agrees
        else "do NOT hold: recomputed from metric_cases, a digest differs from the stored one"
    )
    print(f"  digests {verdict}.")
    return EXIT_OK if found.agrees else EXIT_PROBLEMS


def command_claim(args: argparse.Namespace) -> int:
    """Judge a wording about one published figure, read by the rulebook of verbal quantifiers
    (schemas/quantifiers.toml), without a run: exit 0 when it holds, 1 when it does not or
    cannot be judged."""
    from pipeline.reconcile.claim import judge

    with _open_warehouse(args.warehouse) as conn:
        verdict = judge(conn, args.inspection, args.metric, args.wording)
    print(f"{args.inspection}: {args.metric}, {verdict.numerator} of {verdict.denominator}", end="")
    print(f" ({verdict.exact_pct:.2f}%)" if verdict.exact_pct is not None else "")
    if verdict.reading == "unknown wording":
        print(
            f"  {args.wording!r}: no quantifier the rulebook knows (docs/publication.md lists "
            "them); not judged."
        )
        return EXIT_PROBLEMS
    print(f"  read as {verdict.reading}")
    if verdict.holds is None:
        print("  not judged: the figure has no percentage (no cases).")
        return EXIT_PROBLEMS
    print("  the claim holds." if verdict.holds else "  the claim does NOT hold.")
    return EXIT_OK if verdict.holds else EXIT_PROBLEMS


NOT_RECORDED = "(not recorded)"


def as_text(value: str | None) -> str:
    """A provider's text as a terminal shows it, never confused with a missing value: NULL is
    `(not recorded)`; text that starts like that marker or a quoted string, or holds a
    character a terminal would act on (an escape, a line break), is printed quoted, with such
    characters escaped. So `(not recorded)` written by a provider prints `"(not recorded)"`."""
    if value is None:
        return NOT_RECORDED
    plain = value.isprintable() and not value.startswith(("(", '"')) and value == value.strip()
    return value if plain else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- rules


def command_rules(args: argparse.Namespace) -> int:
    from schemas.frameworks import catalogue
    from schemas.rules import example_of, rules_of

    known = catalogue()
    if args.frameworks:
        for framework in known:
            where = "shipped" if framework.shipped else str(framework.path)
            print(f"{framework.key:<24} {framework.title} ({where})")
        return EXIT_OK
    framework = known.default
    if args.framework is not None:
        framework = known.find(args.framework) if args.framework.strip() else None
    if framework is None:
        raise CaseAuditError(
            f"--framework {args.framework!r} is no known framework; known: "
            f"{', '.join(f.key for f in known)} (`case-audit rules --frameworks`)."
        )
    print(f"Rules under {framework.key}: {framework.title}\n")
    for level, title in (
        ("file", "File refusals"),
        ("row", "Row rules"),
        ("query", "Queries (flagged, nothing held back)"),
    ):
        print(f"{title}:")
        for rule in (r for r in rules_of(framework) if r.level == level):
            print(f"  {rule.code:<32} columns: {', '.join(rule.columns) or '(whole file)'}")
            print(f"  {'':<32} {rule.message}")
            if rule.when:
                print(f"  {'':<32} ({rule.when})")
            if example := example_of(rule):
                print(f"  {'':<32} e.g. {example}")
        print()
    return EXIT_OK


# ---------------------------------------------------------------- synth


def command_synth(args: argparse.Namespace) -> int:
    from pipeline.synth import write

    if args.rows < 1 or not 0 <= args.error_rate < 1:
        raise CaseAuditError("--rows must be 1 or more and --error-rate between 0 and 1.")
    try:
        path = write(args.rows, Path(args.out), seed=args.seed, error_rate=args.error_rate)
    except ValueError as problem:
        raise CaseAuditError(str(problem)) from None
    print(f"wrote {args.rows} synthetic rows to {path}")
    return EXIT_OK


# ---------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="case-audit",
        description="Validated, reproducible figures from child-protection case-file audits.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="materialise every asset and print the headline figures")
    run.add_argument("--input", help="input folder (env CASE_AUDIT_INPUT_DIR)")
    run.add_argument("--warehouse", help="DuckDB file to publish (env CASE_AUDIT_WAREHOUSE)")
    run.add_argument(
        "--feeds",
        help="folder for the dashboard feeds and dashboard.html (env CASE_AUDIT_FEEDS_DIR)",
    )
    run.add_argument("--verbose", action="store_true", help="show Dagster's own log")
    run.add_argument("--quiet", action="store_true", help="no progress display")
    run.add_argument("--inspection", help="report this inspection's figures in full")
    run.add_argument("--all", action="store_true", help="report every table in full")
    run.add_argument(
        "--rebuild",
        action="store_true",
        help="forget what earlier runs left: read, validate, build and publish "
        "everything again (in the UI: tag a run case_audit/rebuild=true)",
    )
    run.set_defaults(handler=command_run)

    check = commands.add_parser("check", help="validate files without loading them")
    check.add_argument("files", nargs="+", help="files or folders to check")
    check.add_argument(
        "--report",
        help="also write every problem to this file: .xlsx (a "
        "workbook for the provider) or .csv (one row per problem)",
    )
    check.add_argument("--quiet", action="store_true", help="no progress display")
    check.set_defaults(handler=command_check)

    synth = commands.add_parser("synth", help="write synthetic case records at scale")
    synth.add_argument("--rows", type=int, required=True, help="how many rows")
    synth.add_argument("--out", required=True, help="file to write: .csv or .parquet")
    synth.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        help="fraction of rows broken in known ways (0 to 1)",
    )
    synth.add_argument("--seed", type=int, default=2016, help="same seed, same file")
    synth.set_defaults(handler=command_synth)

    explain = commands.add_parser("explain", help="list the cases behind one headline figure")
    explain.add_argument("inspection", help="inspection_id, e.g. MPS-NCPI-2016")
    explain.add_argument("metric", help="headline metric, e.g. cases_not_good")
    explain.add_argument("--warehouse", help="published DuckDB file (env CASE_AUDIT_WAREHOUSE)")
    explain.add_argument(
        "--receipt",
        action="store_true",
        help="print the figure's receipt and check its digests against its cases",
    )
    explain.set_defaults(handler=command_explain)

    claim = commands.add_parser(
        "claim", help="judge a wording about one published figure (no run needed)"
    )
    claim.add_argument("inspection", help="inspection_id, e.g. MPS-NCPI-2016")
    claim.add_argument("metric", help="a metric of the inspection's framework")
    claim.add_argument("wording", help='the claim in words, e.g. "almost three-quarters"')
    claim.add_argument("--warehouse", help="published DuckDB file (env CASE_AUDIT_WAREHOUSE)")
    claim.set_defaults(handler=command_claim)

    rules = commands.add_parser("rules", help="print the validation rule catalogue")
    rules.add_argument(
        "--framework",
        metavar="NAME@VERSION",
        help="the rules under this framework (default ncpi@2016)",
    )
    rules.add_argument("--frameworks", action="store_true", help="list the known frameworks")
    rules.set_defaults(handler=command_rules)
    return parser


# the commands that read settings: every setting and every framework file is checked before
# any of them runs
USES_SETTINGS = ("run", "check", "explain")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in USES_SETTINGS:
            check_environment()
            check_frameworks()
        return args.handler(args)
    except CaseAuditError as problem:
        print(f"case-audit: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except OSError as problem:  # the file system said no (full, read-only, a folder): one line
        where = f" ({problem.filename})" if problem.filename else ""
        print(
            f"case-audit: {problem.strerror or problem}{where}; nothing was changed there.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS


def entry() -> NoReturn:
    """The `case-audit` command: `main`, then a prompt exit.

    Once the command's work is done (files closed, output flushed), the interpreter's final
    garbage collection would still walk every object Dagster, pandas and DuckDB created,
    about 0.6 s, before the process ends. Freezing the heap skips that walk: nothing it would
    free matters to a process that is ending, and exit handlers (temporary folders, logging)
    still run.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
