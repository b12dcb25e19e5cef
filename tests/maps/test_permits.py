"""Tests for maps.permits: permit states on the day and the per-depot vehicle layers."""

from __future__ import annotations

import datetime as dt

import pytest

from maps.base import MapBuilder
from maps.permits import PermitState, PermitStatus, add_permit_layers, validity_text
from stations.errors import InputError
from stations.lang import Lang
from tests.map_cases import DAY, depot_fleet_permits, grid_town_places, read_rendered


@pytest.mark.parametrize(
    ("permit_no", "valid_from", "valid_to", "status"),
    [
        (None, None, dt.date(2020, 6, 30), PermitStatus.IDLE),  # no permit
        ("P", None, None, PermitStatus.VALID),  # open-ended
        ("P", None, dt.date(2020, 2, 16), PermitStatus.IDLE),  # expired yesterday
        ("P", None, dt.date(2020, 2, 17), PermitStatus.EXPIRING),  # last day today
        ("P", None, dt.date(2020, 2, 24), PermitStatus.EXPIRING),  # 7 days left
        ("P", None, dt.date(2020, 2, 25), PermitStatus.VALID),  # 8 days left
        ("P", dt.date(2020, 2, 18), None, PermitStatus.IDLE),  # not valid yet
    ],
)
def test_permit_state_on_the_day(
    permit_no: str | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    status: PermitStatus,
) -> None:
    permit = PermitState(
        "苏E1", "Op", "d1", permit_no=permit_no, valid_from=valid_from, valid_to=valid_to
    )
    assert permit.status(DAY, expiring_within_days=7) is status


def test_permit_dates_must_be_in_order() -> None:
    with pytest.raises(ValueError, match="valid_from 2020-03-01 is after valid_to 2020-02-01"):
        PermitState("苏E1", "Op", "d1", "bus", "P", dt.date(2020, 3, 1), dt.date(2020, 2, 1))  # type: ignore[arg-type]


def test_one_counted_pill_per_depot_and_state_with_a_vehicle_table() -> None:
    builder = MapBuilder()
    counts = add_permit_layers(builder, depot_fleet_permits(), grid_town_places().depots, day=DAY)
    assert counts == {PermitStatus.VALID: 2, PermitStatus.EXPIRING: 1, PermitStatus.IDLE: 1}
    rendered = read_rendered(builder.render())
    ((_, valid),) = rendered.layer("Vehicles: permit valid (2)")
    ((pill,),) = [valid["p"]]
    assert pill[5] == "2" and pill[:2] == [31.3, 120.52]
    assert pill[4]["h"] == ["Plate", "Operator", "Vehicle class", "Permit no.", "Valid"]
    assert pill[4]["b"] == [
        ["苏E10001", "Town Coaches", "bus", "SZ-P-0001", "… – 2020-06-30"],
        ["苏E10003", "Town Coaches", "bus", "SZ-P-0003", "… – …"],
    ]
    ((_, idle),) = rendered.layer("Vehicles: no valid permit (idle) (1)")
    assert idle["p"][0][4]["b"] == [["苏E10004", "Town Coaches", "bus", "none", "none"]]
    assert idle["sym"][0]["c"] == "cm-veh cm-veh-idle"
    assert "Permit expires within 7 days" in rendered.legend_labels()


def test_unknown_depot_is_an_input_error_naming_every_row() -> None:
    permits = [
        PermitState("苏E1", "Op", "nowhere"),
        PermitState("苏E2", "Op", "d1"),
        PermitState("苏E3", "Op", "gone"),
    ]
    with pytest.raises(
        InputError, match=r"2 input problems(.|\n)*'nowhere' is not a known depot(.|\n)*row 4"
    ):
        add_permit_layers(MapBuilder(), permits, grid_town_places().depots, day=DAY)


def test_negative_warning_window_is_refused() -> None:
    with pytest.raises(ValueError, match="expiring_within_days must be >= 0"):
        add_permit_layers(MapBuilder(), [], [], day=DAY, expiring_within_days=-1)


def test_validity_text() -> None:
    assert (
        validity_text("P", dt.date(2020, 1, 1), dt.date(2020, 6, 30), Lang.EN)
        == "2020-01-01 – 2020-06-30"
    )
    assert validity_text(None, None, dt.date(2020, 6, 30), Lang.ZH) == "无"
    assert validity_text("P", None, None, Lang.EN) == "… – …"
