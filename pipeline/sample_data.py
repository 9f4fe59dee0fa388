"""Deterministic synthetic sample: one inspection built to reproduce the published figures,
and a later one of the same force under another framework.

The real case-level data is not public. These records are invented (seeded, no real person
or case) so that the published HMIC 2016 figures for the Metropolitan Police Service can be
recomputed and reconciled (ncpi@2016, two files). A second, smaller inspection of the same
force under the illustrative framework mace@2024 (one file naming its framework in a
`framework` column) shows two frameworks side by side, and a trend that crosses them and is
marked not comparable. Run `make sample` (or `python -m pipeline.sample_data`) to rewrite
`data/incoming/`; a test checks the committed files equal what this writes.

The plans below fix counts only; the computed figures come from the pipeline, never from here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import pandas as pd

from pipeline.settings import PROJECT_DIR

SEED = 20161125
INSPECTION_ID = "MPS-NCPI-2016"
FORCE = "Metropolitan Police Service"
BOROUGHS = (
    "Barking and Dagenham",
    "Brent",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Haringey",
    "Islington",
    "Lambeth",
    "Lewisham",
    "Newham",
    "Southwark",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
)
# category -> (cases, rated good)
CATEGORY_PLAN = {
    "missing_absent": (38, 2),
    "custody": (40, 6),
    "cse": (50, 10),
    "online_cse": (30, 8),
    "domestic_abuse": (70, 20),
    "child_abuse_investigation": (80, 24),
    "police_protection": (36, 14),
    "sex_offender_management": (30, 12),
}
REFERRED_BACK = 38
SELF_ASSESSED_NOT_GOOD = 100  # self-assessed cases the inspection rated not good
SELF_ASSESSED_GOOD = 32  # self-assessed cases the inspection rated good
FORCE_RATED_LOW = 26  # of the self-assessed not-good ones, the force itself rated RI/inadequate
CUSTODY_BAILED = 1  # custody cases not charged-refused-bail-detained
FIRST_DAY, LAST_DAY = dt.date(2016, 2, 1), dt.date(2016, 5, 31)
CSV_ROWS = 200

CSV_NAME = "mps_ncpi_2016_part1.csv"
XLSX_NAME = "mps_ncpi_2016_part2.xlsx"
MACE_NAME = "mps_mace_2024.csv"
MACE_INSPECTION_ID = "MPS-MACE-2024"
# category -> (cases, rated good, rated inadequate); the rest are adequate
MACE_PLAN = {
    "neglect": (30, 6, 8),
    "physical_abuse": (20, 7, 4),
    "sexual_abuse": (18, 5, 5),
    "emotional_abuse": (14, 4, 3),
    "exploitation": (22, 3, 9),
    "domestic_abuse": (16, 6, 3),
}
MACE_FIRST_DAY, MACE_LAST_DAY = dt.date(2024, 3, 4), dt.date(2024, 6, 28)
LEAD_AGENCIES = ("Children's social care", "Police", "Health")
MACE_AREAS = ("Central East", "Central North", "North West", "South East")  # command units
# the spreadsheet part uses the headers and spellings people type
XLSX_HEADERS = {
    "inspection_id": "Inspection ID",
    "force": "Force",
    "case_ref": "Case Ref",
    "area": "Area",
    "category": "Category",
    "audit_date": "Audit Date",
    "rating": "Rating",
    "referred_back": "Referred Back",
    "force_rating": "Force Rating",
    "charged": "Charged",
    "bail_refused": "Bail Refused",
    "detained_until_court": "Detained Until Court",
    "la_accommodation_requested": "LA Accommodation Requested",
    "missing_episodes": "Missing Episodes",
    "cse_risk_assessed": "CSE Risk Assessed",
    "synthetic": "Synthetic",
}
COLUMNS = tuple(XLSX_HEADERS)  # the sample files' columns, in their order (v1.1's: no framework)
XLSX_RATINGS = {
    "good": "Good",
    "requires_improvement": "Requires Improvement",
    "inadequate": "Inadequate",
    "adequate": "Adequate",
}


def _weekdays() -> list[dt.date]:
    days = (FIRST_DAY + dt.timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1))
    return [d for d in days if d.weekday() < 5]


def build_cases(seed: int = SEED) -> pd.DataFrame:
    """The sample as one frame of typed values (bools, dates, ints, None), shuffled."""
    rng = random.Random(seed)
    columns = COLUMNS
    weekdays = _weekdays()
    refs = rng.sample(range(16**6), sum(n for n, _ in CATEGORY_PLAN.values()))
    cases = []
    for category, (count, good) in CATEGORY_PLAN.items():
        for i in range(count):
            not_good_rating = "requires_improvement" if rng.random() < 0.6 else "inadequate"
            cases.append(
                dict.fromkeys(columns)
                | {
                    "inspection_id": INSPECTION_ID,
                    "force": FORCE,
                    "case_ref": f"MPS-{refs[len(cases)]:06X}",
                    "area": rng.choice(BOROUGHS),
                    "category": category,
                    "audit_date": rng.choice(weekdays),
                    "rating": "good" if i < good else not_good_rating,
                    "referred_back": False,
                    "synthetic": True,  # invented records: every figure says so
                }
            )
    frame = pd.DataFrame(cases, columns=list(columns))
    good = frame.index[frame["rating"].eq("good")].tolist()
    not_good = frame.index[frame["rating"].ne("good")].tolist()

    frame.loc[rng.sample(not_good, REFERRED_BACK), "referred_back"] = True
    assessed_not_good = rng.sample(not_good, SELF_ASSESSED_NOT_GOOD)
    low = set(rng.sample(assessed_not_good, FORCE_RATED_LOW))
    for index in assessed_not_good:
        frame.loc[index, "force_rating"] = (
            rng.choice(["requires_improvement", "inadequate"])
            if index in low
            else rng.choice(["good", "adequate", "adequate"])
        )
    for index in rng.sample(good, SELF_ASSESSED_GOOD):
        frame.loc[index, "force_rating"] = rng.choice(["good", "good", "adequate"])

    custody = frame.index[frame["category"].eq("custody")].tolist()
    bailed = set(rng.sample(custody, CUSTODY_BAILED))
    for index in custody:
        frame.loc[index, "charged"] = True
        frame.loc[index, "bail_refused"] = index not in bailed
        frame.loc[index, "detained_until_court"] = index not in bailed
        frame.loc[index, "la_accommodation_requested"] = rng.random() < 0.1
    for index in frame.index[frame["category"].eq("missing_absent")]:
        frame.loc[index, "missing_episodes"] = rng.randint(1, 9)
        frame.loc[index, "cse_risk_assessed"] = rng.random() < 0.4
    frame = frame.sample(frac=1, random_state=seed).reset_index(drop=True)
    return frame.astype({"missing_episodes": "Int64"})


def build_mace_cases(seed: int = SEED) -> pd.DataFrame:
    """The mace@2024 inspection as one frame of text as its CSV holds it, shuffled."""
    rng = random.Random(seed + 2024)
    days = [
        MACE_FIRST_DAY + dt.timedelta(n) for n in range((MACE_LAST_DAY - MACE_FIRST_DAY).days + 1)
    ]
    weekdays = [d for d in days if d.weekday() < 5]
    cases = []
    for category, (count, good, inadequate) in MACE_PLAN.items():
        for i in range(count):
            held = rng.random() < 0.7
            audited = rng.choice(weekdays)
            reviewed = audited - dt.timedelta(rng.randint(5, 60)) if rng.random() < 0.5 else None
            force_rated = rng.random() < 0.6
            cases.append(
                {
                    "inspection_id": MACE_INSPECTION_ID,
                    "force": FORCE,
                    "case_ref": f"MPS-M{len(cases) + 1:04d}",
                    "area": rng.choice(MACE_AREAS),
                    "category": category,
                    "audit_date": audited.isoformat(),
                    "rating": "good"
                    if i < good
                    else "inadequate"
                    if i < good + inadequate
                    else "adequate",
                    "force_rating": rng.choice(("strong", "reasonable", "OK", "weak"))
                    if force_rated
                    else "",
                    "framework": "mace@2024",
                    "strategy_discussion_held": "yes" if held else "no",
                    "strategy_discussion_days": str(rng.choice((0, 1, 1, 1, 2, 4))) if held else "",
                    "exploitation_screening_used": ("yes" if rng.random() < 0.6 else "no")
                    if category == "exploitation"
                    else "",
                    "lead_agency": rng.choice(LEAD_AGENCIES),
                    "management_review_date": reviewed.isoformat() if reviewed else "",
                    "synthetic": "true",
                }
            )
    rng.shuffle(cases)
    return pd.DataFrame(cases)


def write_sample(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Write the sample: the ncpi@2016 inspection as one CSV (contract headers) and one XLSX
    (people's headers), the mace@2024 one as a CSV."""
    from openpyxl import Workbook

    out_dir.mkdir(parents=True, exist_ok=True)
    frame = build_cases(seed)
    csv_part, xlsx_part = frame.iloc[:CSV_ROWS], frame.iloc[CSV_ROWS:]

    csv_text = csv_part.assign(audit_date=csv_part["audit_date"].map(dt.date.isoformat))
    for column in (
        "referred_back",
        "charged",
        "bail_refused",
        "detained_until_court",
        "la_accommodation_requested",
        "cse_risk_assessed",
        "synthetic",
    ):
        csv_text[column] = csv_text[column].map({True: "true", False: "false"})
    csv_path = out_dir / CSV_NAME
    csv_text.to_csv(csv_path, index=False, lineterminator="\n")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([XLSX_HEADERS[c] for c in COLUMNS])
    for record in xlsx_part.itertuples(index=False):
        row = []
        for column, value in zip(COLUMNS, record, strict=True):
            if value is None or value is pd.NA:
                row.append(None)
            elif column in ("rating", "force_rating"):
                row.append(XLSX_RATINGS[value])
            elif isinstance(value, bool):
                row.append("Yes" if value else "No")
            elif column == "missing_episodes":
                row.append(int(value))
            else:
                row.append(value)
        sheet.append(row)
    for cell in sheet["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    fixed = dt.datetime(2016, 11, 25)
    workbook.properties.created = workbook.properties.modified = fixed
    xlsx_path = out_dir / XLSX_NAME
    workbook.save(xlsx_path)
    mace_path = out_dir / MACE_NAME
    build_mace_cases(seed).to_csv(mace_path, index=False, lineterminator="\n")
    return [csv_path, xlsx_path, mace_path]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "data" / "incoming")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for path in write_sample(args.out, args.seed):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
