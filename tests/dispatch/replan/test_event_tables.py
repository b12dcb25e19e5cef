"""Tests for dispatch.replan.event_tables: reading and validating events files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.day import Day, HealthCode, VehicleClass
from dispatch.replan.event_tables import EVENTS, KIND_COLUMNS, WALK_INS, read_events
from dispatch.replan.events import (
    EventKind,
    EventLog,
    NoShow,
    TrainDelay,
    VehicleAdded,
    VehicleBreakdown,
    WalkIn,
)
from stations.errors import InputError
from tests.paths import DATA, ROOT
from tests.replan_cases import bridge_day, when

EVENTS_DIR = DATA / "events"
API = ROOT / "docs" / "API.md"


def _check_good(log: EventLog) -> None:
    kinds = [e.kind.value for e in log.events]
    assert kinds == [
        "train_delay",
        "train_delay",
        "no_show",
        "no_show",
        "walk_in",
        "vehicle_breakdown",
        "vehicle_added",
    ]
    late, early, named, half, walk, broken, added = log.events
    assert isinstance(late, TrainDelay) and (late.train_no, late.minutes) == ("G5", 120.0)
    assert isinstance(early, TrainDelay)
    assert (early.window_start, early.window_end) == (when("09:55"), when("10:05"))
    assert isinstance(named, NoShow) and named.worker_ids == ("w01", "w27", "w28")
    assert isinstance(half, NoShow) and half.share == 0.5
    assert isinstance(walk, WalkIn) and [a.worker_id for a in walk.arrivals] == ["x1", "x2", "x3"]
    assert walk.arrivals[2].health_code is HealthCode.RED
    assert isinstance(broken, VehicleBreakdown) and broken.time == when("10:20")
    assert isinstance(added, VehicleAdded)
    assert added.vehicle.vehicle_class is VehicleClass.BUS and added.vehicle.seats == 19
    assert added.vehicle.available_from == when("10:30")
    assert added.permit.permit_no == "ADD-b9"


def test_a_folder_of_csv_files_reads_every_kind(trains: Day) -> None:
    """events.csv and walk_ins.csv: seven events in the order they became known."""
    _check_good(read_events(EVENTS_DIR / "good", trains))


def test_yaml_reads_the_same_events(trains: Day) -> None:
    """The YAML form (walk-ins under ``workers:``) gives the same events."""
    _check_good(read_events(EVENTS_DIR / "good.yaml", trains))


def test_a_workbook_reads_the_same_events(trains: Day, tmp_path: Path) -> None:
    """Sheets ``events`` and ``walk_ins`` of an .xlsx (headers in any case)."""
    book = tmp_path / "events.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name in ("events", "walk_ins"):
            frame = pd.read_csv(EVENTS_DIR / "good" / f"{name}.csv", dtype=str)
            frame.to_excel(writer, sheet_name=name.upper(), index=False)
    _check_good(read_events(book, trains))


def test_exit_status_changes_read_with_their_time(tmp_path: Path) -> None:
    """An exit closes from 12:00, known at 09:50 (Chinese status words are understood)."""
    file = tmp_path / "events.csv"
    file.write_text("kind,known_at,exit_id,status,time\nexit_status,09:50,bridge_cp,关闭,12:00\n")
    (change,) = read_events(file, bridge_day()).exit_changes
    assert (change.exit_id, change.status.value, change.start) == (
        "bridge_cp",
        "closed",
        when("12:00"),
    )


BAD = [
    ("unknown_kind.csv", "kind", "is not one of train_delay"),
    ("no_kind_column.csv", "kind", "is a required column but is missing"),
    ("column_of_another_kind.csv", "exit_id", "does not apply to a train_delay event"),
    ("needed_column_empty.csv", "minutes", "is empty for a train_delay event"),
    ("no_train_nor_window.csv", "train_no", "is empty and so is the arrival window"),
    ("bad_time.csv", "known_at", "is not a time of the planning day"),
    ("another_day.csv", "known_at", "is not a time of the planning day 2020-02-24"),
    ("minutes_out_of_range.csv", "minutes", "is above the maximum 1440"),
    ("unknown_station.csv", "station_id", "is not a known station"),
    ("unknown_train.csv", "train_no", "is not a train of a registered worker arriving at s1"),
    ("window_moves_nobody.csv", "window_from", "moves no registered arrival at s1"),
    ("unknown_worker.csv", "worker_ids", "neither registered nor walk-ins"),
    ("workers_and_share.csv", "worker_ids", "is given with a train and share"),
    ("share_out_of_range.csv", "share", "is above the maximum 1"),
    ("unknown_exit.csv", "exit_id", "is not a known exit"),
    ("bad_status.csv", "status", "is not one of green_channel"),
    ("unknown_vehicle.csv", "vehicle_id", "is not a vehicle of the fleet"),
    ("vehicle_already_in_fleet.csv", "vehicle_id", "is already in the fleet"),
    ("bus_and_truck.csv", "seats", "give exactly one"),
    ("unknown_shipment.csv", "shipment_id", "is not a shipment of the day"),
    ("unknown_place.csv", "origin", "is neither a known place id nor lon,lat"),
    ("walk_in_without_workers.csv", "event_id", "is a walk_in event without workers"),
    ("duplicate_event_id.csv", "event_id", "is a duplicate"),
    ("walk_in_registered", "worker_id", "is already registered"),
    ("walk_in_for_no_event", "event_id", "is not a walk_in event of the events table"),
    ("not_a_list.yaml", "events", "must hold a list"),
    ("broken.yaml", None, "is not valid YAML"),
]


@pytest.mark.parametrize(("name", "column", "match"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_file_is_an_input_error_naming_the_column(
    trains: Day, name: str, column: str | None, match: str
) -> None:
    """One file per failure mode: the problem names its column and says what is wrong."""
    with pytest.raises(InputError, match=re.escape(match)) as caught:
        read_events(EVENTS_DIR / "bad" / name, trains)
    assert column in {p.column for p in caught.value.problems}
    assert all(p.fix for p in caught.value.problems)


def test_every_problem_of_a_file_is_reported_at_once(trains: Day) -> None:
    """Four bad rows: an unknown train, worker and vehicle, a time off the day — all four,
    each with its row."""
    with pytest.raises(InputError, match="4 input problems") as caught:
        read_events(EVENTS_DIR / "bad" / "many_problems.csv", trains)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "train_no"), (3, "worker_ids"), (4, "vehicle_id"), (5, "known_at")}


def test_yaml_problems_name_the_line(trains: Day, tmp_path: Path) -> None:
    """A YAML event's problem names the file and its line."""
    file = tmp_path / "events.yaml"
    file.write_text('events:\n  - {kind: no_show, known_at: "09:30", worker_ids: [nobody]}\n')
    with pytest.raises(InputError, match=r"events\.yaml line 2") as caught:
        read_events(file, trains)
    assert caught.value.problems[0].row is None


def test_a_folder_without_events_csv_is_refused(trains: Day, tmp_path: Path) -> None:
    """The fix names the file to add."""
    with pytest.raises(InputError, match=r"has no events\.csv"):
        read_events(tmp_path, trains)


def test_a_file_of_another_type_is_refused(trains: Day, tmp_path: Path) -> None:
    """Only folders, .csv, .xlsx and .yaml are events files."""
    other = tmp_path / "events.txt"
    shutil.copy(EVENTS_DIR / "good" / "events.csv", other)
    with pytest.raises(InputError, match="is not an events file"):
        read_events(other, trains)


def test_every_kind_says_which_columns_it_needs_and_takes() -> None:
    """``KIND_COLUMNS`` covers every kind, with columns of the events table only."""
    names = {c.name for c in EVENTS.spec.columns}
    assert set(KIND_COLUMNS) == set(EventKind)
    for needs, may in KIND_COLUMNS.values():
        assert set(needs) | set(may) <= names


def _section(text: str, table: str) -> str:
    start = text.index(f"### `{table}`")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else len(text)]


@pytest.mark.parametrize("table", [EVENTS, WALK_INS], ids=["events", "walk_ins"])
def test_api_md_documents_every_column(table: object) -> None:
    """docs/API.md has a section per events table listing every column."""
    section = _section(API.read_text(encoding="utf-8"), table.name)  # type: ignore[attr-defined]
    for column in table.spec.columns:  # type: ignore[attr-defined]
        shown = column.name if column.required else f"[{column.name}]"
        assert f"| `{shown}` |" in section, column.name


def test_clock_times_may_run_past_midnight(trains: Day, tmp_path: Path) -> None:
    """``25:30`` is 01:30 the next morning, still the planning day's operations."""
    file = tmp_path / "events.csv"
    file.write_text("kind,known_at,vehicle_id\nvehicle_breakdown,25:30,b1\n")
    (event,) = read_events(file, trains).events
    assert event.known_at == dt.datetime(2020, 2, 25, 1, 30)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    workers=st.lists(
        st.sampled_from([f"w{k:02d}" for k in range(1, 34)]), min_size=1, max_size=8, unique=True
    ),
    separator=st.sampled_from([" ", ",", ";", ", ", "、", "；", "，"]),
    hours=st.integers(0, 29),
    minutes=st.integers(0, 59),
)
def test_no_show_rows_read_back_whatever_the_separator_and_clock(
    trains: Day,
    tmp_path_factory: pytest.TempPathFactory,
    workers: list[str],
    separator: str,
    hours: int,
    minutes: int,
) -> None:
    """Worker ids separated by spaces, commas, semicolons (Latin or Chinese) and any clock
    time up to 29:59 read back as written."""
    file = tmp_path_factory.mktemp("events") / "events.csv"
    cell = separator.join(workers)
    file.write_text(
        f'kind,known_at,worker_ids\nno_show,{hours:02d}:{minutes:02d},"{cell}"\n', encoding="utf-8"
    )
    (event,) = read_events(file, trains).events
    assert isinstance(event, NoShow) and event.worker_ids == tuple(workers)
    assert event.known_at == trains.midnight + dt.timedelta(hours=hours, minutes=minutes)
