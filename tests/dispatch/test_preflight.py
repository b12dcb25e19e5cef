"""Tests for dispatch.preflight: everything `plan` refuses about where places lie, `check`
reports first, with table and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.intake.reader import read_day
from dispatch.planner import plan_day
from dispatch.preflight import check_day
from stations.errors import InputError, SnapWarning
from tests.day_cases import DAYS, copied_day, edit

FAR = "113.0,28.0"  # Changsha: in China, 700 km from the Suzhou road network
# (file, old position, where the problem is reported, what is named)
FAR_PLACES = [
    ("stations.csv", "120.7066,31.34265", "stations.csv", 2, "lon, lat", "station 'yq_test'"),
    ("depots.csv", "120.6800,31.3300", "depots.csv", 2, "lon, lat", "depot 'D1'"),
    ("depots.csv", "120.7000,31.3700", "depots.csv", 3, "lon, lat", "depot 'D2'"),  # trucks
    ("enterprises.csv", "120.7400,31.3200", "enterprises.csv", 2, "lon, lat", "enterprise 'E1'"),
    ("shipments.csv", "121.203935,31.617781", "shipments.csv", 2, "origin", "shipment 'S1' origin"),
]


def _day_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = copied_day(tmp_path, DAYS / "supply_small")
    edit(folder, file, old, new)
    return folder


@pytest.mark.parametrize(
    ("file", "old", "table", "row", "column", "what"),
    FAR_PLACES,
    ids=[case[-1] for case in FAR_PLACES],
)
def test_check_refuses_what_plan_refuses_naming_table_and_row(
    tmp_path: Path, file: str, old: str, table: str, row: int, column: str, what: str
) -> None:
    """A place 700 km away: `check` (no matrices, no solving) and `plan` both refuse, with
    the same problem naming table, row, column and the place."""
    day = read_day(_day_with(tmp_path, file, old, FAR))
    with pytest.raises(InputError) as checked:
        check_day(day)
    with pytest.raises(InputError) as planned:
        plan_day(day)
    assert checked.value.problems == planned.value.problems
    (problem,) = checked.value.problems
    assert (problem.table, problem.row, problem.column) == (table, row, column)
    assert what in problem.message and "km from the nearest road" in problem.message


def test_a_new_exit_off_the_network_is_refused_with_its_row(tmp_path: Path) -> None:
    folder = _day_with(tmp_path, "exits.csv", "bx08,freight_only", "bx08,freight_only")
    (folder / "exits.csv").write_text(
        "exit_id,name,lon,lat,status\nbx08,,,,freight_only\nfar1,远处,113.0,28.0,closed\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"exits.csv row 3: `lon, lat` .* exit 'far1'"):
        check_day(read_day(folder))


def test_an_unused_far_place_is_not_a_refusal(tmp_path: Path) -> None:
    """E3 has no eligible workers (not certified), so `plan` never routes to it."""
    day = read_day(_day_with(tmp_path, "enterprises.csv", "120.7300,31.3100", FAR))
    assert check_day(day).day is day


def test_a_place_near_the_limit_warns_like_plan(tmp_path: Path) -> None:
    """1.5–2 km from the road: planned, with the same warning `plan` gives."""
    day = read_day(_day_with(tmp_path, "shipments.csv", "121.203935,31.617781", "120.5,31.5"))
    with pytest.warns(SnapWarning, match=r"snapped farther than 1.5 km"):
        check_day(day)
