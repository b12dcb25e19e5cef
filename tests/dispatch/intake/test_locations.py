"""Tests for dispatch.intake.locations: table rows of places and the warning for places outside
the Suzhou prefecture."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.day import SourceRow
from dispatch.intake.locations import OutsideWarning
from dispatch.intake.reader import read_day
from tests.day_cases import DAYS, copied_day, edit

PEOPLES_SQUARE = "121.4737,31.2304"  # central Shanghai, about 30 km outside Suzhou


def _day(tmp_path: Path) -> Path:
    return copied_day(tmp_path, DAYS / "supply_small")


@pytest.mark.parametrize(
    ("file", "old", "table", "what"),
    [
        ("enterprises.csv", "120.7400,31.3200", "enterprises.csv", "row 2: enterprise 'E1'"),
        ("depots.csv", "120.6800,31.3300", "depots.csv", "row 2: depot 'D1'"),
        ("stations.csv", "120.7066,31.34265", "stations.csv", "row 2: station 'yq_test'"),
        ("shipments.csv", '"120.7,31.385"', "shipments.csv", "row 3: shipment 'S2' `destination`"),
    ],
)
def test_a_place_outside_the_prefecture_is_named_with_its_distance(
    tmp_path: Path, file: str, old: str, table: str, what: str
) -> None:
    """Employers, stations, depots and shipment ends geocoded in central Shanghai plan, but
    not without a word: table, row, id and how far outside."""
    folder = _day(tmp_path)
    new = f'"{PEOPLES_SQUARE}"' if old.startswith('"') else PEOPLES_SQUARE
    edit(folder, file, old, new)
    with pytest.warns(OutsideWarning) as caught:
        read_day(folder)
    messages = [str(w.message) for w in caught if what in str(w.message)]
    assert len(messages) == 1
    assert messages[0].startswith(f"{table}: ")
    assert f"{what} 30." in messages[0] and "km outside" in messages[0]


def test_a_new_exit_outside_is_named(tmp_path: Path) -> None:
    folder = _day(tmp_path)
    (folder / "exits.csv").write_text(
        f"exit_id,name,lon,lat,status\nbx08,,,,freight_only\nsh1,上海卡口,{PEOPLES_SQUARE},open\n",
        encoding="utf-8",
    )
    with pytest.warns(OutsideWarning, match=r"exits.csv: .*row 3: exit 'sh1' 30\.\d km outside"):
        read_day(folder)


def test_places_inside_give_no_warning_and_rows_are_kept(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", OutsideWarning)
        day = read_day(DAYS / "plan_small")
    assert day.rows[("depot", "D1")] == SourceRow("depots.csv", 2)
    assert ("station", "suzhou_north") not in day.rows  # embedded: no row
