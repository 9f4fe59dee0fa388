"""One home per relation: each table or view of the warehouse is one model file, its words
beside its SQL; what it reads is read from the SQL (DuckDB's parser), never declared; the
build order and Dagster's lineage come from that one graph. Model files that cannot be used
are refused with their path and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.storage.models import ModelError, build_order, load_model, materialize, sources
from pipeline.validate.staging import RELATIONS
from pipeline.warehouse import registry
from pipeline.warehouse.registry import macros_sql, models


def test_every_relation_is_one_model_file_in_the_models_folder_of_its_layer() -> None:
    found = list(Path(registry.PACKAGE).glob("*/models/*.sql"))
    assert sorted(p.stem for p in found) == sorted(models())
    for model in models().values():
        assert model.path.parent.name == "models" and model.columns and model.grain
        assert model.description and not model.description.startswith("-- ")


def test_what_a_model_reads_is_read_from_its_sql_common_table_expressions_aside() -> None:
    trends = models()["trends"]
    # `dated`, `sequenced`, `judged`, `ordered`: CTEs; frameworks: who is comparable
    assert trends.reads == {"case_audits", "headline_figures", "frameworks"}
    assert models()["case_audits"].reads == {
        "staging.staged_rows",
        "staging.assembling_files",
        "staging.cross_row_reasons",
    }
    assert models()["case_audits"].params == {"hmac_ipad", "hmac_opad"}
    assert models()["published_reconciliation"].params == {"published_figures_csv"}


def test_the_build_order_puts_every_model_after_what_it_reads() -> None:
    order = list(models())
    for at, name in enumerate(order):
        for read in models()[name].reads:
            if read in models():
                assert order.index(read) < at, f"{name} reads {read}, built later"


def test_everything_the_models_read_but_do_not_make_is_a_relation_of_the_staging() -> None:
    """The sources are what validation's staging names (pipeline/validate/staging.py)."""
    assert sources(models().values()) <= {f"staging.{name}" for name in RELATIONS}


def test_every_model_builds_over_an_empty_staging_with_the_columns_its_header_states(
    tmp_path,
) -> None:
    """An empty warehouse from the model files alone: each relation is made in build order,
    and the runner refuses one whose columns or types are not those its header states."""
    from pipeline.validate.staging import RunStaging, params
    from pipeline.warehouse.build import FileParam, literal_params
    from tests.helpers import RUN_DATE

    headers = {
        "published_figures_csv": "inspection_id,force,metric,published_numerator,"
        "published_denominator,published_pct,wording,source",
        "published_claims_csv": "inspection_id,metric,comparator,claimed_pct,wording,source",
    }
    for name, header in headers.items():
        (tmp_path / f"{name}.csv").write_text(header + "\n")
    reference = {name: FileParam(tmp_path / f"{name}.csv") for name in headers}
    with duckdb.connect() as conn:
        staging = RunStaging(conn, RUN_DATE, b"k" * 32)
        conn.execute(
            "CREATE TABLE staging.input_files (source_file VARCHAR, sha256 VARCHAR, "
            "refusal_rule VARCHAR, refusal_message VARCHAR)"
        )
        staging.judge_across_rows([])
        staging.plan_assembly(previous_build=False)
        conn.execute(macros_sql())
        versions = {"rules_version": "r", "product_version": "p"}  # figure_receipts names them
        with literal_params({**params(b"k" * 32), **reference, **versions}) as given:
            for model in models().values():
                materialize(conn, model, given)
        made = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' UNION "
            "SELECT view_name FROM duckdb_views() WHERE database_name = 'memory'"
        ).fetchall()
    assert {name for (name,) in made} == set(models())


def _model(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.sql"
    path.write_text(text)
    return path


HEADER = '/*\ngrain = "one row"\ndescription = "A test relation."\n[columns]\nx = "INTEGER"\n*/\n'


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("SELECT 1 AS x", r"starts with a /\* \.\.\. \*/ header"),
        ('/*\ngrain = "unclosed\n*/\nSELECT 1 AS x', "header is not TOML"),
        (HEADER + "SELECT FROM WHERE", "its SQL does not parse"),
        (
            HEADER.replace("[columns]", 'materialized = "magic"\n[columns]') + "SELECT 1 AS x",
            "materialized must be one of",
        ),
        (
            HEADER.replace("[columns]", 'materialized = "computed"\n[columns]') + "SELECT 1 AS x",
            "a computed model names the function that fills it",
        ),
        (
            HEADER.replace("[columns]", 'computed_by = "m:f"\n[columns]') + "SELECT 1 AS x",
            "and only a computed model does",
        ),
    ],
)
def test_a_model_file_that_cannot_be_used_is_one_sentence(tmp_path, text: str, says: str) -> None:
    with pytest.raises(ModelError, match=says) as refused:
        load_model(_model(tmp_path, "bad", text))
    assert str(tmp_path / "bad.sql") in str(refused.value)


def test_models_that_read_each_other_in_a_loop_are_refused(tmp_path) -> None:
    one = load_model(_model(tmp_path, "one", HEADER + "SELECT x FROM two"))
    two = load_model(_model(tmp_path, "two", HEADER + "SELECT x FROM one"))
    with pytest.raises(ModelError, match="read each other in a loop"):
        build_order([one, two])


def test_a_relation_made_with_other_columns_than_its_header_states_is_refused(tmp_path) -> None:
    model = load_model(_model(tmp_path, "wrong", HEADER + "SELECT 'text' AS x"))
    with duckdb.connect() as conn, pytest.raises(ModelError, match="its header states"):
        materialize(conn, model, {})


def test_a_parameter_the_run_does_not_give_is_named(tmp_path) -> None:
    model = load_model(_model(tmp_path, "asks", HEADER + "SELECT $limit::INTEGER AS x"))
    with duckdb.connect() as conn, pytest.raises(ModelError, match=r"no value for \$limit"):
        materialize(conn, model, {})


def test_adding_a_relation_is_adding_its_file(tmp_path, monkeypatch) -> None:
    """A new model file in a layer's models/ folder is a relation of the warehouse, with its
    inputs read from its SQL and its place in the build order, and nothing else to edit."""
    package = tmp_path / "pipeline"
    shutil.copytree(registry.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    _model(
        package / "warehouse" / "models",
        "forces",
        HEADER.replace('x = "INTEGER"', ('force = "VARCHAR"\ninspections = "BIGINT"'))
        + ("SELECT force, count(*) AS inspections FROM headline_figures GROUP BY force"),
    )
    monkeypatch.setattr(registry, "PACKAGE", package)
    registry._models.cache_clear()
    try:
        found = models()
        assert found["forces"].reads == {"headline_figures"}
        assert list(found).index("forces") > list(found).index("headline_figures")
    finally:
        registry._models.cache_clear()


def test_a_relation_takes_the_columns_it_selects_from_another(tmp_path) -> None:
    """columns_from gives a relation the types and words of the columns it selects from
    another, in its SELECT's order; a column it makes itself is in its own [columns]; a
    column in neither is refused."""
    source = load_model(
        _model(
            tmp_path,
            "wide",
            '/*\ngrain = "one row"\ndescription = "d"\n[columns]\n'
            'x = ["INTEGER", "The x."]\ny = ["VARCHAR", "The y."]\nz = "DOUBLE"\n*/\n'
            "SELECT 1 AS x, 'a' AS y, 0.5 AS z",
        )
    )
    narrow = '/*\ngrain = "one row"\ndescription = "d"\ncolumns_from = "wide"\n'
    taken = load_model(
        _model(
            tmp_path,
            "narrow",
            narrow
            + '[columns]\nw = ["DATE", "The w."]\n*/\nSELECT y, current_date AS w, x FROM wide',
        )
    )
    found = registry._with_columns_of(taken, source)
    assert [(c.name, c.type, c.description) for c in found.columns] == [
        ("y", "VARCHAR", "The y."),
        ("w", "DATE", "The w."),
        ("x", "INTEGER", "The x."),
    ]
    stray = load_model(_model(tmp_path, "stray", narrow + "*/\nSELECT x, 1 AS v FROM wide"))
    with pytest.raises(ModelError, match="v is neither a column of wide"):
        registry._with_columns_of(stray, source)
