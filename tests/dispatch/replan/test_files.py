"""Tests for dispatch.replan.files: the re-plan's folder — version, diff, amendments."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dispatch.day import Day
from dispatch.outputs.plan_json import read_plan_json
from dispatch.plan import Plan
from dispatch.replan.events import NoShow, TrainDelay
from dispatch.replan.files import DIFF_FORMAT, write_replan
from dispatch.replan.replanner import Replan
from stations.lang import Lang
from tests.replan_cases import replanned, town, when


@pytest.fixture
def late_and_gone(trains: Day, trains_plan: Plan) -> Replan:
    """G5 two hours late and G6's three workers no-shows, re-planned at 10:00."""
    events = [
        TrainDelay(when("09:30"), "s1", 120, train_no="G5"),
        NoShow(when("09:30"), ("w27", "w28", "w29")),
    ]
    return replanned(trains, trains_plan, events, "10:00", town())


def test_the_folder_holds_the_version_the_diff_and_the_amendments(
    late_and_gone: Replan, tmp_path: Path
) -> None:
    files = write_replan(late_and_gone, tmp_path, lang=Lang.EN)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"plan.json", "plan.xlsx", "csv", "diff.json", "diff.xlsx", "amendments.xlsx"} <= names
    assert {p.name for p in files.amendment_csvs} == {
        "amended_station_boards.csv",
        "amended_employer_notices.csv",
        "amended_trip_sheets.csv",
    }
    meta = read_plan_json(tmp_path).meta
    assert meta.parent == "test parent" and meta.replanned_at == when("10:00")


def test_diff_json_names_the_parent_and_every_change(late_and_gone: Replan, tmp_path: Path) -> None:
    write_replan(late_and_gone, tmp_path)
    diff = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert diff["format"] == DIFF_FORMAT and diff["parent"] == "test parent"
    assert diff["at"] == "2020-02-24T10:00:00"
    assert diff["events"] == {"applied": {"train_delay": 1, "no_show": 1}, "pending": 0}
    trips = {t["trip"]: t["changes"] for t in diff["trips"]}
    assert trips == {"s1/e2/1100-1": ["retimed"], "s1/e3/1200-1": ["cancelled"]}
    assert "after" not in next(t for t in diff["trips"] if t["trip"] == "s1/e3/1200-1")
    no_show = next(w for w in diff["workers"] if w["worker"] == "w27")
    assert no_show["after"] == {"reason": "no_show"} and no_show["forced"] is True
    assert diff["sums"]["nothing_lost"] is True
    assert diff["summary"]["workers_changed"] == 9


def test_amendments_hold_only_what_changed(late_and_gone: Replan, tmp_path: Path) -> None:
    """Station boards and employer notices: the re-timed and the cancelled trip; trip sheets:
    the one bus whose duty changed, every one of its trips, each marked."""
    files = write_replan(late_and_gone, tmp_path, lang=Lang.EN)
    csvs = {p.stem: pd.read_csv(p, encoding="utf-8-sig") for p in files.amendment_csvs}
    boards = csvs["amended_station_boards"]
    assert sorted(boards["trip"]) == ["s1/e2/1100-1", "s1/e3/1200-1"]
    marks = dict(zip(boards["trip"], boards["amendment"], strict=True))
    assert marks["s1/e3/1200-1"] == "cancelled"
    assert marks["s1/e2/1100-1"].startswith("new time (was 11:10)")
    assert sorted(csvs["amended_employer_notices"]["trip"]) == sorted(boards["trip"])
    sheets = csvs["amended_trip_sheets"]
    assert set(sheets["plate"]) == {"b1"}
    assert "unchanged" in set(sheets["amendment"])


def test_nothing_changed_writes_no_amendments(
    trains: Day, trains_plan: Plan, tmp_path: Path
) -> None:
    files = write_replan(replanned(trains, trains_plan, [], "10:00", town()), tmp_path)
    assert files.amendments is None and not (tmp_path / "amendments.xlsx").exists()
    diff = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert diff["trips"] == [] and diff["summary"]["workers_changed"] == 0


def test_no_personal_data_in_the_diff(late_and_gone: Replan, tmp_path: Path) -> None:
    """diff.json and diff.xlsx carry worker ids only."""
    write_replan(late_and_gone, tmp_path)
    text = (tmp_path / "diff.json").read_text(encoding="utf-8")
    assert "health" not in text and "phone" not in text and "name" not in text
