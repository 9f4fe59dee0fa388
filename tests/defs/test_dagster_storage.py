"""No case reference and no provider text reaches Dagster's own storage.

Dagster keeps run records, event logs (metadata previews, log lines, errors) and compute
logs under DAGSTER_HOME, outside the warehouse and its access control. This test runs the
job on a real instance on disk, once successfully and once failing, over files that plant
case references (loaded and rejected), free-text cells and a stray quote that swallows cases,
then searches every file Dagster wrote for each planted string.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from tests.conftest import SAMPLE_DIR
from tests.helpers import RUN_DATE, case, resource, write_csv

pytestmark = pytest.mark.slow  # whole runs

PLANTED_REFS = [f"PLANTREF{n:04}" for n in (*range(1, 9), 99)]
PLANTED_TEXT = ["Plantarea Ward", "PLANTCATEGORY", "PLANT NOTE", "PLANT BAD REF", "PlantSwallowed"]


def _planted_files(incoming: Path) -> None:
    rows = [
        case(
            inspection_id="PLANT-2025",
            case_ref=ref,
            area="Plantarea Ward",
            force="Northwold Constabulary",
        )
        for ref in PLANTED_REFS[:6]
    ]
    rows.append(case(inspection_id="PLANT-2025", case_ref="PLANT BAD REF"))  # rejected: format
    rows.append(
        case(inspection_id="PLANT-2025", case_ref=PLANTED_REFS[6], category="PLANTCATEGORY")
    )
    for row in rows:
        row["notes"] = "PLANT NOTE"  # an unknown column: never stored anywhere
    write_csv(incoming / "planted.csv", rows, columns=[*rows[0].keys()])
    # a stray quote: the area cell of one case swallows the next case, reference and all
    swallowed = case(inspection_id="PLANT-2025", case_ref=PLANTED_REFS[7], area="x")
    header = ",".join(swallowed)
    first = ",".join(
        "" if v is None else str(v)
        for v in case(inspection_id="PLANT-2025", case_ref="PLANTREF0099").values()
    )
    first = first.replace(",Harbourside,", ',"PlantSwallowed,', 1)
    second = ",".join("" if v is None else str(v) for v in swallowed.values()) + '"'
    (incoming / "stray.csv").write_text(f"{header}\n{first}\n{second}\n", encoding="utf-8")


def _sample_refs() -> list[str]:
    refs = pd.read_csv(SAMPLE_DIR / "mps_ncpi_2016_part1.csv", dtype=str)["case_ref"]
    return refs.tolist()


def _materialize(instance: dg.DagsterInstance, incoming: Path, root: Path) -> bool:
    result = dg.materialize(
        run_graph(),
        instance=instance,
        resources={"case_audit": resource(root, incoming)},
        raise_on_error=False,
    )
    return result.success


def test_no_case_reference_or_cell_text_in_dagster_storage(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    _planted_files(incoming)
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        assert _materialize(instance, incoming, tmp_path)
        # a failing run too: a planted case added to the published inspection breaks its
        # reconciliation, so failure events, check descriptions and errors are stored
        write_csv(
            incoming / "more.csv",
            [
                case(
                    inspection_id="MPS-NCPI-2016",
                    force="Metropolitan Police Service",
                    case_ref="PLANTREF0100",
                )
            ],
        )
        assert not _materialize(instance, incoming, tmp_path)
        assert len(instance.get_runs()) == 2
    stored = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.suffix == ".db" for path in stored), "no SQLite storage was written"
    planted = [*PLANTED_REFS, "PLANTREF0100", *PLANTED_TEXT, *_sample_refs()]
    for path in stored:
        data = path.read_bytes()
        found = [text for text in planted if text.encode() in data]
        assert not found, f"{path.relative_to(home)} holds {found[:5]}"


def test_a_cli_run_is_recorded_in_a_persistent_dagster_home(tmp_path, sample_input, monkeypatch):
    """With DAGSTER_HOME set, `case-audit run` records its run, materialisations and check
    verdicts there, as the UI shows a run it launched itself; without it, nothing is kept."""
    from pipeline.defs.runner import run_pipeline

    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    settings = resource(tmp_path, sample_input).settings()
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success
    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs()
        assert run.run_id == outcome.run_id and run.tags["case_audit/trigger"] == "cli"
        published = instance.get_latest_materialization_event(dg.AssetKey("published_warehouse"))
        assert published is not None and published.run_id == outcome.run_id
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("file_loads"), "rows_conserved")]
        )
        assert check and next(iter(check.values())).run_id == outcome.run_id

    monkeypatch.delenv("DAGSTER_HOME")
    again = tmp_path / "elsewhere"
    assert run_pipeline(resource(again, sample_input).settings(), quiet=True).success
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        assert [r.run_id for r in instance.get_runs()] == [outcome.run_id]  # not the second
