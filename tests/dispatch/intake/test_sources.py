"""Tests for dispatch.intake.sources: what is read from a day folder or workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dispatch.intake.sources import read_raw_day
from stations.errors import InputError, InputWarning
from tests.day_cases import DAYS


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
