"""One stored value, one id on the dashboard: `anchors` gives every force and inspection an
anchor that is readable for the common case and distinct for distinct values, also when
their slugs collide; every framework's definitions, metric definitions and kappa get ids
of their own, also when frameworks share metric names or slugs. The page built over
colliding values is checked in the browser (`test_dashboard.py`)."""

from __future__ import annotations

import hashlib
import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.publish.dashboard import anchors, slug

FRAGMENT_SAFE = re.compile(r"[fi]-[a-z0-9]+(-[a-z0-9]+)*(--[0-9a-f]{6,64})?")
FRAMEWORK_ID = re.compile(r"(fw|kappa|def)-[a-z0-9]+(-[a-z0-9]+)*(--[0-9a-f]{6,64})?(-[a-z0-9_]+)?")


def _described(keys: list[str], metrics: list[str]) -> dict:
    """A manifest describing frameworks `keys`, each with the metrics `metrics`."""
    return {
        "frameworks": [
            {
                "framework": key,
                "title": key,
                "codes": {},
                "metrics": [{"metric": m, "label": m, "description": m} for m in metrics],
            }
            for key in keys
        ]
    }


def _framework_ids(made: dict) -> list[str]:
    return [
        identifier
        for framework in made.values()
        for identifier in (
            framework.section,
            framework.kappa,
            *(framework.definition(metric) for metric in framework.metrics),
        )
    ]


def test_frameworks_sharing_metric_names_or_slugs_keep_distinct_definition_ids() -> None:
    """ncpi@2016 and mace@2024 both define cases_not_good: each definition has its own id,
    the readable `def-<framework>-<metric>`; ab@c-d and ab-c@d share the slug ab-c-d and are
    told apart by a hash; ab@c's `d_cases` is not ab-c@d's `cases`."""
    from pipeline.publish.dashboard import frameworks

    keys = ["ncpi@2016", "mace@2024", "ab@c-d", "ab-c@d", "ab@c"]
    made = frameworks(_described(keys, ["cases_not_good", "d_cases", "cases"]), keys)
    assert made["ncpi@2016"].definition("cases_not_good") == "def-ncpi-2016-cases_not_good"
    assert made["mace@2024"].definition("cases_not_good") == "def-mace-2024-cases_not_good"
    assert made["mace@2024"].section == "fw-mace-2024"
    assert made["ab@c-d"].anchor != made["ab-c@d"].anchor
    assert all(made[key].anchor.startswith("ab-c-d--") for key in ("ab@c-d", "ab-c@d"))
    ids = _framework_ids(made)
    assert len(set(ids)) == len(ids) == 5 * 5


def test_a_framework_keeps_its_ids_whichever_inspections_are_shown() -> None:
    """Anchors are made over every framework the manifest describes: ab@c-d keeps its
    hashed anchor on a page that shows no inspection of its twin."""
    from pipeline.publish.dashboard import frameworks

    manifest = _described(["ab@c-d", "ab-c@d"], ["cases"])
    both = frameworks(manifest, ["ab@c-d", "ab-c@d"])
    assert list(frameworks(manifest, ["ab@c-d"])) == ["ab@c-d"]
    assert frameworks(manifest, ["ab@c-d"])["ab@c-d"].anchor == both["ab@c-d"].anchor


def test_twins_get_distinct_anchors_and_other_values_keep_theirs() -> None:
    """Values whose slugs collide are told apart by a hash of the exact value; a value
    without a twin keeps its readable anchor, so links to today's pages keep working."""
    ids = ["abc.2025", "abc-2025", "ABC_2025", "abc 2025", "abc--2025", "MPS-NCPI-2016"]
    made = anchors(ids, "i-")
    assert len(set(made.values())) == len(ids)
    for value in ids[:5]:
        digest = hashlib.sha256(value.encode()).hexdigest()
        assert made[value] == f"i-abc-2025--{digest[:6]}"
    assert made["MPS-NCPI-2016"] == "i-mps-ncpi-2016"
    forces = ["Metropolitan Police Service", "Testshire Police", "TESTSHIRE POLICE"]
    assert anchors(forces, "f-")["Metropolitan Police Service"] == "f-metropolitan-police-service"


def test_forces_that_differ_only_in_case_or_punctuation_stay_three() -> None:
    forces = ["Testshire Police", "TESTSHIRE POLICE", "Testshire-Police"]
    made = anchors(forces, "f-")
    assert len(set(made.values())) == 3
    assert all(anchor.startswith("f-testshire-police--") for anchor in made.values())
    assert anchors([*reversed(forces), *forces], "f-") == made  # order and repeats aside


def test_a_value_spelt_like_another_ones_hashed_anchor_cannot_take_it() -> None:
    """Slugs never hold two hyphens in a row, so `abc 2025 <hash>` is not `abc-2025--<hash>`."""
    hashed = anchors(["abc.2025", "abc-2025"], "i-")["abc.2025"]
    lookalike = hashed.removeprefix("i-").replace("--", " ")
    made = anchors(["abc.2025", "abc-2025", lookalike], "i-")
    assert made["abc.2025"] == hashed and len(set(made.values())) == 3


def test_a_hash_is_lengthened_until_the_values_differ() -> None:
    """Two values with one slug whose SHA-256 share the first 6 hex digits (found here by
    search) still get distinct anchors."""
    seen: dict[str, str] = {}
    for k in itertools.count(1):
        value = "x" + "." * k + "y"  # all slug to x-y
        start = hashlib.sha256(value.encode()).hexdigest()[:6]
        if start in seen:
            first = seen[start]
            break
        seen[start] = value
    made = anchors([first, value], "f-")
    assert made[first] != made[value]
    assert all(len(a.split("--")[1]) > 6 for a in made.values())


def test_values_without_letters_or_digits_and_accents() -> None:
    made = anchors(["Heddlu Dyfed-Powys", "Hédd lu", "警察", "—", "x"], "f-")
    assert made["Heddlu Dyfed-Powys"] == "f-heddlu-dyfed-powys"
    assert made["Hédd lu"] == "f-hedd-lu"  # accents dropped, not the letter
    assert len(set(made.values())) == 5  # 警察, — and x share the slug x
    assert slug("警察") == slug("—") == "x"


@given(st.lists(st.text(max_size=12), max_size=30), st.lists(st.text(max_size=12), max_size=30))
def test_anchors_are_one_to_one_fragment_safe_and_kinds_never_meet(
    forces: list[str], inspections: list[str]
) -> None:
    force_anchors = anchors(forces, "f-")
    inspection_anchors = anchors(inspections, "i-")
    for made, values in ((force_anchors, forces), (inspection_anchors, inspections)):
        assert set(made) == set(values)
        assert len(set(made.values())) == len(made)  # distinct values, distinct anchors
        assert all(FRAGMENT_SAFE.fullmatch(anchor) for anchor in made.values())
    assert not set(force_anchors.values()) & set(inspection_anchors.values())


@given(st.lists(st.from_regex(r"[aA][bB][cC][-_.]{1,2}20[12][0-9]", fullmatch=True), max_size=40))
def test_contract_inspection_ids_one_to_one(inspections: list[str]) -> None:
    """Inspection ids as the contract allows them, drawn so that case and `_ . -` collide."""
    made = anchors(inspections, "i-")
    assert len(set(made.values())) == len(set(inspections))


@given(
    st.lists(st.from_regex(r"[a-z0-9_-]{2,6}@[A-Za-z0-9_.-]{1,4}", fullmatch=True), max_size=12),
    st.lists(st.from_regex(r"[a-z0-9_]{1,6}", fullmatch=True), min_size=1, max_size=6),
)
def test_framework_ids_one_to_one_and_fragment_safe(keys: list[str], metrics: list[str]) -> None:
    """Framework keys and metric names as the contract allows them: every framework's
    definitions, kappa and metric definitions get distinct, fragment-safe ids, none of
    them a force's or an inspection's."""
    from pipeline.publish.dashboard import frameworks

    keys, metrics = list(dict.fromkeys(keys)), list(dict.fromkeys(metrics))
    ids = _framework_ids(frameworks(_described(keys, metrics), keys))
    assert len(set(ids)) == len(ids) == len(keys) * (2 + len(metrics))
    assert all(FRAMEWORK_ID.fullmatch(i) and not FRAGMENT_SAFE.fullmatch(i) for i in ids)
