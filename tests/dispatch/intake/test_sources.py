"""Tests for dispatch.intake.sources: what is read from a day folder or workbook."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dispatch.intake.reader import read_day
from dispatch.intake.sources import read_raw_day
from stations.errors import InputError, InputWarning
from tests.day_cases import DAYS, copied_day


def test_folder_tables_labels_and_policy() -> None:
    """Present tables are read as text; labels are file names; policy keys as given."""
    raw = read_raw_day(DAYS / "one_station_two_employers")
    assert set(raw.frames) == {
        "arrivals",
        "enterprises",
        "stations",
        "depots",
        "fleet",
        "permits",
        "risk_regions",
    }
    assert raw.labels["fleet"] == "fleet.csv"
    assert list(raw.policy_values) == ["planning_date"]
    assert raw.problems == ()


def test_missing_required_files_are_problems(tmp_path: Path) -> None:
    """An empty folder lacks the five required tables."""
    raw = read_raw_day(tmp_path)
    assert sorted(p.table for p in raw.problems) == [
        "arrivals.csv",
        "depots.csv",
        "enterprises.csv",
        "fleet.csv",
        "permits.csv",
    ]


def test_workbook_strays_warn_and_readme_is_ignored(tmp_path: Path) -> None:
    """Sheets are matched case-insensitively; unknown sheets warn; README is skipped."""
    book = tmp_path / "day.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name in ("README", "Arrivals", "notes"):
            pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name=name, index=False)
    with pytest.warns(InputWarning, match="sheet\\(s\\) notes are not day tables"):
        raw = read_raw_day(book)
    assert "arrivals" in raw.frames
    assert raw.labels["arrivals"] == "day.xlsx[arrivals]"


def test_unreadable_workbook(tmp_path: Path) -> None:
    """A file that is not a workbook is an input error."""
    book = tmp_path / "day.xlsx"
    book.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError, match=r"day\.xlsx cannot be read"):
        read_raw_day(book)


def _book(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


@pytest.mark.parametrize("second", ["Arrivals ", " arrivals", "ａｒｒｉｖａｌｓ", "arrivals\u200b"])
def test_two_sheets_that_map_to_one_table_are_an_error(tmp_path: Path, second: str) -> None:
    """Neither sheet silently replaces the other: the table is refused, naming both sheets."""
    one = pd.DataFrame({"worker_id": ["W1", "W2"]})
    other = pd.DataFrame({"worker_id": ["W3"]})
    raw = read_raw_day(_book(tmp_path / "day.xlsx", {"arrivals": one, second: other}))
    clash = [p for p in raw.problems if "map to the table `arrivals`" in p.message]
    assert len(clash) == 1
    assert clash[0].table == "day.xlsx" and clash[0].value == f"'arrivals', {second!r}"
    assert "arrivals" not in raw.frames and "arrivals" in raw.unread


def test_two_policy_sheets_are_an_error(tmp_path: Path) -> None:
    policy = pd.DataFrame({"key": ["seed"], "value": [1]})
    raw = read_raw_day(_book(tmp_path / "day.xlsx", {"policy": policy, "Policy ": policy}))
    assert any("map to the table `policy`" in p.message for p in raw.problems)
    assert raw.policy_values == {}


@pytest.mark.parametrize("second", ["Arrivals.csv", "ARRIVALS.CSV", "arrivals .csv"])
def test_two_files_that_map_to_one_table_are_an_error(tmp_path: Path, second: str) -> None:
    folder = copied_day(tmp_path, DAYS / "one_station_two_employers")
    shutil.copy(folder / "arrivals.csv", folder / second)
    raw = read_raw_day(folder)
    clash = [p for p in raw.problems if "map to the table `arrivals`" in p.message]
    assert len(clash) == 1 and clash[0].table == folder.name
    assert "arrivals" not in raw.frames
    with pytest.raises(InputError, match=r"2 files that all map to the table `arrivals`"):
        read_day(folder)


def test_a_table_file_named_in_another_case_is_read(tmp_path: Path) -> None:
    """`Fleet.CSV` is the fleet table (file names are matched like sheet names)."""
    folder = copied_day(tmp_path, DAYS / "one_station_two_employers")
    (folder / "fleet.csv").rename(folder / "Fleet.CSV")
    raw = read_raw_day(folder)
    assert "fleet" in raw.frames and raw.labels["fleet"] == "Fleet.CSV"


def test_a_pipe_named_like_a_table_is_refused_not_read(tmp_path: Path) -> None:
    """A FIFO would block the reader for ever; it is reported instead."""
    folder = copied_day(tmp_path, DAYS / "one_station_two_employers")
    (folder / "risk_regions.csv").unlink()
    os.mkfifo(folder / "risk_regions.csv")
    raw = read_raw_day(folder)
    assert [(p.table, p.message) for p in raw.problems] == [
        ("risk_regions.csv", "is not a regular file (a pipe, device or folder)")
    ]


def test_policy_sheet_keys_ignore_case_and_formulas_are_named(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    policy = pd.DataFrame({"Key ": ["Load_Factor", "seed"], "VALUE": [0.6, 3]})
    book = _book(tmp_path / "day.xlsx", {"policy": policy})
    workbook = load_workbook(book)
    workbook["policy"]["B3"] = "=1+2"
    workbook.save(book)
    raw = read_raw_day(book)
    assert raw.policy_values == {"load_factor": 0.6}
    assert [(p.row, p.column, p.message) for p in raw.problems if p.column] == [
        (3, "seed", "is a formula without a saved value")
    ]
