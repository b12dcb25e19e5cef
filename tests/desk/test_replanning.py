"""Tests of desk.replanning: the clock time of a re-plan and where an uploaded events file
goes (the run itself is tested through the app, tests/desk/test_app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.replanning import clock_time, events_source
from stations.errors import InputError
from tests.store_cases import hand_plan_on


def test_a_clock_time_is_on_the_planning_day() -> None:
    day = hand_plan_on().day
    assert clock_time(day, "12:30").isoformat() == "2020-02-24T12:30:00"
    with pytest.raises(InputError, match="is not a time of the planning day 2020-02-24"):
        clock_time(day, "noon")


def test_an_events_csv_becomes_an_events_folder(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    sent.write_text("event_id,kind\n", encoding="utf-8")
    placed = events_source(sent, "late trains.csv", tmp_path)
    assert placed == tmp_path / "events"
    assert (placed / "events.csv").is_file()


def test_a_workbook_keeps_its_kind_and_other_files_are_refused(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    sent.write_bytes(b"PK")
    assert events_source(sent, "events.xlsx", tmp_path) == tmp_path / "events.xlsx"
    other = tmp_path / "other"
    other.write_bytes(b"x")
    with pytest.raises(InputError, match="is not an events file"):
        events_source(other, "events.pdf", tmp_path)
