"""Tests for dispatch.outputs.sheets: the sheets of plan.xlsx and their CSV copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dispatch.outputs.sheets import (
    Sheet,
    assign_bays,
    clock,
    employer_notices_sheet,
    excluded_sheet,
    manifests_sheet,
    permit_to_text,
    plan_sheets,
    station_boards_sheet,
    vehicles_sheet,
    write_csvs,
    write_workbook,
)
from dispatch.plan import Plan, Trip
from tests.plan_cases import ID_NUMBERS, PHONES, at, hand_plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The hand-made plan of plan_small (tests/plan_cases.py)."""
    return hand_plan()


def _trip(trip_id: str, board: str, depart: str) -> Trip:
    return Trip(trip_id, "bus", "s", "e", ("w",), 1, at(board), at(depart), at("12:00"),
                at("12:00"), 0.0, 0.0, 10.0, 5.0)  # fmt: skip


def test_clock_marks_the_next_day() -> None:
    day = dt.date(2020, 2, 24)
    assert clock(dt.datetime(2020, 2, 24, 8, 5), day) == "08:05"
    assert clock(dt.datetime(2020, 2, 25, 0, 15), day) == "00:15 (+1)"
    assert clock(None, day) == ""


def test_permit_end_at_midnight_shows_the_last_valid_day() -> None:
    assert permit_to_text(dt.datetime(2021, 1, 1)) == "2020-12-31"
    assert permit_to_text(dt.datetime(2020, 2, 24, 12, 0)) == "2020-02-24 12:00"


def test_bays_are_reused_once_free_and_shared_when_full() -> None:
    """Two bays: A (08:00–08:10) bay 1, B (08:05–08:20) bay 2, C (08:12) reuses bay 1; D
    (08:13) finds both taken and gets the one freeing first: bay 2, free at 08:20 (C holds
    bay 1 until 08:30)."""
    trips = [
        _trip("A", "08:00", "08:10"),
        _trip("B", "08:05", "08:20"),
        _trip("C", "08:12", "08:30"),
        _trip("D", "08:13", "08:40"),
    ]
    assert assign_bays(trips, 2) == {"A": 1, "B": 2, "C": 1, "D": 2}
    assert assign_bays(trips, None) == {}


def test_manifest_masks_personal_data_and_lists_the_escort_seat(plan: Plan) -> None:
    frame = manifests_sheet(plan, "en").frame
    assert len(frame) == 7 + 2  # seven workers and one escort seat per trip
    escorts = frame[frame["role"].str.startswith("escort")]
    assert escorts["seat"].tolist() == [1, 1]
    assert escorts["worker_id"].isna().all()
    p01 = frame[frame["worker_id"] == "P01"].iloc[0]
    assert (p01["name"], p01["id_number"], p01["phone"]) == (
        "测**",
        "990***********0019",
        "139****0101",
    )
    assert p01["seat"] == 2 and p01["permit_no"] == "苏交运管许可苏字320500300001号"
    assert p01["driver"] == "" and p01["health_code"] == "green"
    text = frame.to_csv()
    assert not any(n in text for n in (*ID_NUMBERS, *PHONES))


def test_unmask_shows_personal_data_in_full(plan: Plan) -> None:
    frame = manifests_sheet(plan, "zh", unmask=True).frame
    p01 = frame[frame["worker_id"] == "P01"].iloc[0]
    assert (p01["name"], p01["id_number"], p01["phone"]) == (
        "测试一",
        ID_NUMBERS[0],
        PHONES[0],
    )
    assert p01["health_code"] == "绿码"


def test_station_board_lists_departures_in_boarding_order(plan: Plan) -> None:
    frame = station_boards_sheet(plan, "en").frame
    assert frame["vehicle"].tolist() == ["苏E·30002", "苏E·30001"]
    assert frame["board_start"].tolist() == ["08:25", "08:30"]
    assert frame["bay"].tolist() == [1, 2]
    assert frame["headcount"].tolist() == [2, 5]


def test_employer_notice_has_eta_headcount_escort_and_masked_contact(plan: Plan) -> None:
    frame = employer_notices_sheet(plan, "en").frame
    e1 = frame[frame["enterprise_id"] == "E1"].iloc[0]
    assert (e1["eta"], e1["headcount"]) == ("09:00", 5)
    assert e1["escort"] == "1 escort(s) at Test Park Station by 08:30"
    assert e1["escort_contact"] == "王** 139****1111"


def test_vehicles_sheet_lists_used_then_idle_with_reason(plan: Plan) -> None:
    frame = vehicles_sheet(plan, "en", {"苏E·30003": "permit_expired"}).frame
    assert frame["status"].tolist() == ["used", "used", "idle"]
    idle = frame.iloc[2]
    assert idle["reason"] == "permit_expired"
    assert "2020-02-20" in idle["reason_text"]
    assert frame["empty_km"].tolist()[:2] == [8.0, 6.5]


def test_excluded_sheet_shows_public_reasons_only(plan: Plan) -> None:
    frame = excluded_sheet(plan, "both").frame
    codes = dict(zip(frame["worker_id"], frame["reason"], strict=True))
    assert codes == {
        "P08": "health_screening_failed",
        "P09": "high_risk_origin",
        "P10": "employer_not_certified",
    }
    assert not frame.to_csv().count("yellow")


def test_headers_follow_the_language(plan: Plan, tmp_path: Path) -> None:
    sheets = plan_sheets(plan, "zh", idle_codes={})
    (path,) = write_csvs(sheets[:1], tmp_path, "zh")
    assert path.name == "trips.csv"
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("行程编号,车牌,上车站点")


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    """A name from an input file that starts with = must not become a spreadsheet formula."""
    sheet = Sheet("trips", pd.DataFrame({"enterprise": ["=HYPERLINK(1)", "-x", "ok"]}))
    (csv,) = write_csvs([sheet], tmp_path, "en")
    assert csv.read_text(encoding="utf-8-sig").splitlines()[1:] == ["'=HYPERLINK(1)", "'-x", "ok"]
    from openpyxl import load_workbook

    book = load_workbook(write_workbook([sheet], tmp_path / "x.xlsx", "en"))
    values = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert values == ["'=HYPERLINK(1)", "'-x", "ok"]


def test_workbook_cells_keep_their_types_and_the_sheet_its_look(tmp_path: Path) -> None:
    """Text as text, numbers as numbers (nullable integers too), blanks empty; a bold,
    wrapped, frozen header row and each column as wide as its longest value (at most 48)."""
    from openpyxl import load_workbook

    frame = pd.DataFrame(
        {
            "trip_id": ["t1", "", "t3"],
            "headcount": pd.Series([30, None, 7], dtype="Int64"),
            "ride_min": [12.5, float("nan"), 40.0],
            "enterprise": ["x" * 60, "+86 phone", None],
        }
    )
    book = load_workbook(write_workbook([Sheet("trips", frame)], tmp_path / "x.xlsx", "en"))
    ws = book.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1:] == [
        ("t1", 30, 12.5, "x" * 60),
        (None, None, None, "'+86 phone"),
        ("t3", 7, 40, None),
    ]
    assert ws.freeze_panes == "A2"
    header = ws["A1"]
    assert header.font.b and header.alignment.wrap_text and header.alignment.vertical == "top"
    widths = {d.min: round(d.width) for d in ws.column_dimensions.values()}
    assert widths[1] == len("trip") + 2 + 1  # XlsxWriter adds its 0.71 character padding
    assert widths[4] == 48 + 1
