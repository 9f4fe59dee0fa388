"""Framework files: the shipped ones load, and a file that breaks a rule of the format refuses
the run with one sentence naming the file, the key and what to fix (contract v2.0 4.1)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from schemas.frameworks import DEFAULT, SHIPPED, FrameworkError, catalogue

NCPI = SHIPPED / f"{DEFAULT}.toml"


def operator_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "frameworks"
    folder.mkdir(parents=True)
    monkeypatch.setenv("CASE_AUDIT_FRAMEWORKS_DIR", str(folder))
    return folder


def variant(folder: Path, name: str, edit: dict[str, str] | None = None) -> Path:
    """A copy of ncpi@2016 as `name` (`x@1`), with its name and version changed and the
    text edits given (old -> new) applied."""
    text = NCPI.read_text(encoding="utf-8")
    key, version = name.split("@")
    text = text.replace('name = "ncpi"', f'name = "{key}"', 1)
    text = text.replace('version = "2016"', f'version = "{version}"', 1)
    for old, new in (edit or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, edit: dict[str, str]) -> str:
    folder = operator_dir(tmp_path, monkeypatch)
    variant(folder, "local@1", edit)
    with pytest.raises(FrameworkError) as raised:
        catalogue()
    said = str(raised.value)
    assert str(folder / "local@1.toml") in said and "Nothing was run" in said
    assert "\n" not in said and "Traceback" not in said
    return said


def test_the_shipped_frameworks_load_default_first() -> None:
    known = catalogue()
    assert next(iter(known)).key == DEFAULT
    assert {"ncpi@2016", "mace@2024"} <= set(known.frameworks)
    assert known.default.not_good == ("requires_improvement", "inadequate")
    assert [m.name for m in known.default.metrics][:2] == ["cases_audited", "cases_not_good"]
    assert len(known.default.metrics) == 10  # the contract's ten (section 2)


def test_an_operators_framework_is_added_by_one_file(tmp_path, monkeypatch) -> None:
    folder = operator_dir(tmp_path, monkeypatch)
    variant(folder, "local@1")
    known = catalogue()
    assert "local@1" in known.frameworks and not known["local@1"].shipped
    assert known["local@1"].sha256 != known.default.sha256  # its own file, its own hash


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        ({"title =": "colour = 'blue'\ntitle ="}, "colour", "is not a key of a framework file"),
        ({'not_good = ["requires_improvement"': 'not_good = ["poor"'}, "rating.not_good", "'poor'"),
        (
            {'levels = ["good", "requires_improvement",': 'levels = ["good", "good",'},
            "rating.levels",
            "twice",
        ),
        (
            {'name = "cases_inadequate"': 'name = "cases_audited"'},
            "metrics[2].name",
            "named twice",
        ),
        ({"comparable_with = []": 'comparable_with = ["nope@9"]'}, "comparable_with[0]", "nope@9"),
        ({"[columns.charged]": "[columns.rating]"}, "columns.rating", "core column"),
        ({"[rating]  #": "[ratingz]  #"}, "ratingz", "is not a key"),
        ({'type = "bool"': 'type = "boolean"'}, "columns.referred_back.type", "bool, integer"),
        (
            {"trend = true\noverview": 'trend = "yes"\noverview'},
            "metrics[1].trend",
            "true or false",
        ),
        (
            {
                'Cases the inspectors rated inadequate, of every valid case."': (
                    'Cases the inspectors rated inadequate, of every valid case."\noverview = true'
                )
            },
            "metrics[2].overview",
            "both set overview = true",
        ),
        (
            {"minimum = 1\n": "minimum = 1\nmaximum = 0\n"},
            "columns.missing_episodes.minimum",
            "above",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_key(tmp_path, monkeypatch, edit, key, words) -> None:
    said = refused(monkeypatch, tmp_path, edit)
    assert f": {key}:" in said, said
    assert words in said, said


HOSTILE = {
    "reads a file": "category IN (SELECT * FROM read_csv('/etc/passwd'))",
    "a file function": "length(read_text('/etc/passwd')) > 0",
    "a sub-query": "(SELECT count(*) FROM case_audits) > 1",
    "a second statement": "true); DROP TABLE case_audits; SELECT (true",
    "a comment hiding the rest": "true) OR (true --",
    "an unknown column": "child_name = 'x'",
    "a qualified column": "case_audits.rating = 'good'",
    "the environment": "getenv('HOME') = 'x'",
    "an aggregate": "count(*) > 1",
    "not a boolean": "rating",
    "a code the framework lacks": "rating = 'excellent'",
    "a window": "row_number() OVER () > 1",
    "empty": " ",
}


@pytest.mark.parametrize("expression", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_expressions_refuse_the_file(tmp_path, monkeypatch, expression) -> None:
    quoted = expression.replace('"', '\\"')
    edit = {'numerator = "referred_back"': f'numerator = "{quoted}"'}
    said = refused(monkeypatch, tmp_path, edit)
    assert "metrics[3] (cases_referred_back).numerator" in said, said
    assert "is refused:" in said, said


def test_two_files_for_one_framework_are_refused(tmp_path, monkeypatch) -> None:
    folder = operator_dir(tmp_path, monkeypatch)
    shutil.copy(NCPI, folder / NCPI.name)
    with pytest.raises(FrameworkError, match=re.escape("one name@version is one file")):
        catalogue()


def test_a_file_named_otherwise_than_it_says_is_refused(tmp_path, monkeypatch) -> None:
    folder = operator_dir(tmp_path, monkeypatch)
    path = variant(folder, "local@1")
    path.rename(folder / "local@2.toml")
    with pytest.raises(FrameworkError, match=re.escape("must be named local@1.toml")):
        catalogue()


def test_a_column_shared_by_frameworks_has_one_type(tmp_path, monkeypatch) -> None:
    folder = operator_dir(tmp_path, monkeypatch)
    variant(
        folder,
        "local@1",
        {'assessed]\ntype = "bool"': 'assessed]\ntype = "text"'},
    )
    with pytest.raises(FrameworkError, match="a column shared by frameworks has one type"):
        catalogue()


def test_an_example_naming_no_rule_is_refused(tmp_path, monkeypatch) -> None:
    from schemas.rules import rules_of

    folder = operator_dir(tmp_path, monkeypatch)
    variant(folder, "local@1", {'rule = "bool_invalid"': 'rule = "bool_invalidd"'})
    with pytest.raises(
        FrameworkError,
        match=re.escape("examples[0].rule: 'bool_invalidd' is not a rule of local@1"),
    ):
        rules_of(catalogue()["local@1"])


def test_a_framework_column_that_looks_like_an_identifier_is_refused(tmp_path, monkeypatch):
    from pipeline.errors import CaseAuditError
    from pipeline.ingest.headers import contract_columns

    folder = operator_dir(tmp_path, monkeypatch)
    variant(folder, "local@1", {"[columns.cse_risk_assessed]": "[columns.child_dob]"})
    with pytest.raises(
        CaseAuditError, match=re.escape("columns.child_dob: the name looks like a direct")
    ):
        contract_columns()


def test_an_edited_file_is_read_again(tmp_path, monkeypatch) -> None:
    folder = operator_dir(tmp_path, monkeypatch)
    path = variant(folder, "local@1")
    before = catalogue()["local@1"]
    path.write_text(path.read_text().replace('title = "', 'title = "Edited: ', 1))
    after = catalogue()["local@1"]
    assert after.title.startswith("Edited: ") and after.sha256 != before.sha256


FORCE_RATING = re.search(r"\[force_rating\].*?\n\n", NCPI.read_text(encoding="utf-8"), re.S)[0]


def test_a_framework_without_a_force_rating_never_asks_for_one(tmp_path, monkeypatch) -> None:
    """Without [force_rating] no expression may name force_rating or favourable (they would
    always be empty), and no query asks the force for its self-assessment."""
    from schemas.rules import rules_of

    said = refused(monkeypatch, tmp_path / "a", {FORCE_RATING: ""})
    assert "metrics[8] (self_assessed_not_good).denominator" in said, said
    assert "force_rating" in said
    said = refused(
        monkeypatch,
        tmp_path / "b",
        {FORCE_RATING: "", 'denominator = "force_rating IS NOT NULL"': 'denominator = "true"'},
    )
    assert "metrics[9] (self_assessed_force_good_or_adequate).numerator" in said, said
    folder = operator_dir(tmp_path / "c", monkeypatch)
    variant(
        folder,
        "local@2",
        {
            FORCE_RATING: "",
            'denominator = "force_rating IS NOT NULL"': 'denominator = "true"',
            'numerator = "favourable"\ndenominator = "force_rating IS NOT NULL"': (
                'numerator = "not_good"\ndenominator = "true"'
            ),
        },
    )
    codes = {rule.code for rule in rules_of(catalogue()["local@2"])}
    assert "query_self_rating_sparse" not in codes
    assert "query_self_rating_sparse" in {rule.code for rule in rules_of(catalogue().default)}
