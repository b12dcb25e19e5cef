"""Tests for dispatch.intake.template: the blank workbook reads back and explains every column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispatch.intake.day_tables import DAY_TABLES
from dispatch.intake.reader import read_day
from dispatch.intake.template import write_template
from dispatch.policy import POLICY_KEYS
from stations.errors import InputError


def test_sheets_headers_and_readme(tmp_path: Path) -> None:
    """README first, a sheet per table with the spec's headers, then the policy sheet."""
    book = load_workbook(write_template(tmp_path / "day.xlsx"))
    assert book.sheetnames == ["README", *(t.name for t in DAY_TABLES), "policy"]
    for table in DAY_TABLES:
        headers = [cell.value for cell in book[table.name][1]]
        assert headers == [c.name for c in table.spec.columns]
        required = [cell.font.bold for cell in book[table.name][1]]
        assert required == [c.required for c in table.spec.columns]
    readme = [[c.value for c in row] for row in book["README"].iter_rows()]
    documented = {(row[0], row[1]) for row in readme if row[1]}
    expected = {(t.name, c.name) for t in DAY_TABLES for c in t.spec.columns}
    assert expected <= documented
    assert [row[0].value for row in book["policy"].iter_rows(min_row=2)] == list(POLICY_KEYS)


def test_enumerations_have_drop_down_lists(tmp_path: Path) -> None:
    """health_code offers exactly green, yellow, red on the arrivals sheet."""
    sheet = load_workbook(write_template(tmp_path / "day.xlsx"))["arrivals"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["F2:F2001"] == '"green,yellow,red"'


def test_blank_template_asks_for_the_planning_day(tmp_path: Path) -> None:
    """Empty tables are fine; without arrivals or planning_date the day is unknown."""
    path = write_template(tmp_path / "day.xlsx")
    with pytest.raises(InputError, match=r"1 input problem:\n.*planning day is unknown"):
        read_day(path)


def test_filled_template_reads_back(tmp_path: Path) -> None:
    """A duty officer fills a few rows (dates as spreadsheet dates, times as text)."""
    path = write_template(tmp_path / "day.xlsx")
    book = load_workbook(path)
    book["enterprises"].append(["E1", "合成电子有限公司", 120.74, 31.32, "true"])
    book["depots"].append(["D1", "合成客运", 120.68, 31.33])
    book["fleet"].append(["苏E·10001", "合成客运", "D1", "bus", 45])
    book["permits"].append(
        ["P1", "苏E·10001", "passenger", dt.datetime(2020, 1, 1), dt.datetime(2020, 12, 31)]
    )
    book["arrivals"].append(
        ["W1", "E1", "suzhou_north", "07:45", "河南省信阳市", "green", "negative"]
    )
    book["exits"].append(["bx01", None, None, None, None, "closed"])
    policy = book["policy"]
    for row in policy.iter_rows(min_row=2):
        if row[0].value == "planning_date":
            row[1].value = dt.datetime(2020, 2, 24)
        if row[0].value == "load_factor":
            row[1].value = 0.6
    book.save(path)
    day = read_day(path)
    assert day.date == dt.date(2020, 2, 24) and day.policy.load_factor == 0.6
    assert day.arrivals[0].arrival_time == dt.datetime(2020, 2, 24, 7, 45)
    assert day.permits[0].valid_to == dt.datetime(2021, 1, 1)  # through 2020-12-31
    assert day.exits["bx01"].status.value == "closed"


def test_template_must_be_xlsx(tmp_path: Path) -> None:
    """Other suffixes are refused."""
    with pytest.raises(InputError, match=r"is not \.xlsx"):
        write_template(tmp_path / "day.csv")
