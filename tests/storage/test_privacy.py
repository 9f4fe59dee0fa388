"""Pseudonymisation, key handling and Excel-safe CSV output."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import CaseAuditError
from pipeline.safe_csv import neutralise_formulas, write_csv
from pipeline.settings import PROJECT_DIR, SETTINGS
from pipeline.storage.pseudonym import KEY_VARIABLE, case_keys, load_key


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_VARIABLE)


def test_case_key_is_a_stable_keyed_hash() -> None:
    ids, refs = pd.Series(["A-1", "A-1", "B-1"]), pd.Series(["R1", "R2", "R1"])
    keys = case_keys(b"k" * 32, ids, refs)
    assert keys.str.fullmatch(r"[0-9a-f]{64}").all() and keys.is_unique
    assert keys.equals(case_keys(b"k" * 32, ids, refs))  # same key, same case: same case_key
    assert not (keys == case_keys(b"x" * 32, ids, refs)).any()  # another key: all differ
    # the separator keeps ("A-1", "R1") apart from ("A-1R", "1")
    assert case_keys(b"k" * 32, pd.Series(["A-1R"]), pd.Series(["1"]))[0] != keys[0]


def test_key_file_created_owner_only(tmp_path: Path, no_env_key: None) -> None:
    key_file = tmp_path / "secrets" / "key"
    key = load_key(key_file, may_create=True)
    assert len(key) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert load_key(key_file, may_create=False) == key


def test_missing_key_is_not_recreated_over_old_data(tmp_path: Path, no_env_key: None) -> None:
    with pytest.raises(CaseAuditError, match="a warehouse already exists"):
        load_key(tmp_path / "key", may_create=False)
    assert not (tmp_path / "key").exists()


def test_unreadable_key_fails_clearly(tmp_path: Path, no_env_key: None) -> None:
    key_file = tmp_path / "key"
    key_file.mkdir()  # a folder where the key should be: unreadable even for root
    with pytest.raises(CaseAuditError, match="cannot read the pseudonym key file"):
        load_key(key_file, may_create=True)


def test_key_readable_by_others_is_refused(tmp_path: Path, no_env_key: None) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("k" * 64)
    os.chmod(key_file, 0o644)
    with pytest.raises(CaseAuditError, match="chmod 600"):
        load_key(key_file, may_create=False)


def test_short_or_empty_keys_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_env_key: None
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("\n")
    os.chmod(key_file, 0o600)
    with pytest.raises(CaseAuditError, match="empty or shorter"):
        load_key(key_file, may_create=False)
    monkeypatch.setenv(KEY_VARIABLE, "short")
    with pytest.raises(CaseAuditError, match="at least 16 characters") as refused:
        load_key(key_file, may_create=False)
    assert "short" not in str(refused.value).replace("shorter", "")  # a key is never shown


def test_default_key_file_is_ignored_by_git() -> None:
    default = SETTINGS["key_file"].default
    done = subprocess.run(["git", "check-ignore", "-q", default], cwd=PROJECT_DIR, check=False)
    assert done.returncode == 0, f"{default} is not ignored by git"


def test_formula_cells_neutralised_numbers_kept() -> None:
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+44 20", "-x", "@SUM(A1)", "\tTAB", "plain", None, "-3.5"],
            "number": [-1, 2, 3, 4, 5, 6, 7, 8],
        }
    )
    safe = neutralise_formulas(frame)
    assert safe["text"].tolist()[:6] == ["'=1+1", "'+44 20", "'-x", "'@SUM(A1)", "'\tTAB", "plain"]
    assert pd.isna(safe["text"].iloc[6]) and safe["text"].iloc[7] == "-3.5"  # a number
    assert safe["number"].tolist() == frame["number"].tolist()


def test_write_csv_is_excel_safe(tmp_path: Path) -> None:
    path = write_csv(pd.DataFrame({"value": ['=HYPERLINK("http://x")', "ok"]}), tmp_path / "o.csv")
    text = path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")"'
    assert not list(tmp_path.glob(".*.tmp"))


def test_cells_beyond_the_header_are_counted_not_stored(tmp_path: Path) -> None:
    from pipeline.ingest.files import read_case_files
    from pipeline.validate.memory import validate_rows
    from tests.helpers import COLUMNS, RUN_DATE, case

    row = ",".join("" if case()[c] is None else str(case()[c]) for c in COLUMNS)
    path = tmp_path / "ragged.csv"
    path.write_text(f"{','.join(COLUMNS)}\n{row},Jo Bloggs,2010-01-01\n", encoding="utf-8")
    rows, _ = read_case_files([path], root=tmp_path)
    reasons = validate_rows(rows, RUN_DATE).reasons
    assert reasons[["rule", "value"]].to_numpy().tolist() == [["extra_cells", "2 cell(s)"]]
    assert not rows.astype(str).apply(lambda col: col.str.contains("Bloggs")).any().any()
