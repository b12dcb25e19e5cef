"""Tests of dispatch.outputs.route_json: one route entry and one step entry for buses and
trucks, each class's keys only on its own routes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from dispatch.outputs.plan_json import document_json, parse_plan_json, plan_document
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.plan import StepKind
from routing.network.speed import VehicleClass
from stations.errors import InputError
from tests.plan_cases import PLAN_SMALL, hand_plan

EIGHT = dt.datetime(2020, 2, 24, 8, 0)


def _step(kind: StepKind, place: str, minutes: int, **extra: object) -> StepEntry:
    at = EIGHT + dt.timedelta(minutes=minutes)
    return StepEntry(
        type=kind,
        place=place,
        name=place,
        lon=120.6,
        lat=31.3,
        arrival=at,
        begin=at,
        departure=at,
        on_board=0,
        **extra,  # type: ignore[arg-type]
    )


def one_bus_route() -> RouteEntry:
    """A bus from depot D1 to station S1, employer E1 and back: trip T1, 12 workers."""
    return RouteEntry(
        vehicle="苏E10001",
        operator="Op",
        depot="D1",
        vehicle_class=VehicleClass.BUS,
        capacity=26,
        permit_no="P1",
        permit_valid_from=EIGHT,
        permit_valid_to=EIGHT + dt.timedelta(days=30),
        start=EIGHT,
        end=EIGHT + dt.timedelta(hours=2),
        steps=(
            _step(StepKind.LEAVE_DEPOT, "D1", 0),
            _step(StepKind.BOARD, "S1", 20, trip="T1"),
            _step(StepKind.ALIGHT, "E1", 60, trip="T1"),
            _step(StepKind.RETURN_DEPOT, "D1", 120),
        ),
        trips=("T1",),
        workers=12,
        distance_km=50.0,
        loaded_km=20.0,
        empty_km=30.0,
        duration_min=120.0,
        cost_cny=500.0,
        seats=53,
    )


def test_a_bus_route_has_bus_keys_and_bus_steps() -> None:
    route = one_bus_route()
    assert route.jobs == ("T1",)
    assert not any(step.truck for step in route.steps)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"tonnes": 3.0}, r"bus route 苏E10001: has no `tonnes`"),
        ({"workers": None}, r"bus route 苏E10001: needs `workers`"),
        ({"capacity_m3": 20.0}, r"has no `capacity_m3`"),
        (
            {"vehicle_class": VehicleClass.TRUCK},
            r"truck route 苏E10001: has no `capacity`; .*; needs `capacity_t`; .*; has steps of",
        ),
    ],
)
def test_a_route_holds_its_own_class_keys_only(change: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(one_bus_route(), **change)  # type: ignore[arg-type]


def test_steps_are_of_the_routes_class() -> None:
    truck_step = _step(StepKind.LOAD, "S1", 20, load_t=2.0, green_channel=False, shipment="X")
    assert truck_step.truck
    with pytest.raises(ValueError, match="has steps of the other vehicle class"):
        dataclasses.replace(one_bus_route(), steps=(truck_step,))


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"load_t": 2.0}, "`load_t` and `green_channel` come together"),
        ({"shipment": "X"}, "a bus step names a `trip`, not a `shipment`"),
        ({"load_t": 2.0, "green_channel": True, "trip": "T1"}, "a truck step names a `shipment`"),
    ],
)
def test_a_step_is_a_bus_step_or_a_truck_step(extra: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _step(StepKind.BOARD, "S1", 20, **extra)


def test_a_route_with_the_other_classes_keys_is_refused_when_read() -> None:
    """plan.json is read through the same entries: a bus route with tonnes is an input error."""
    from dispatch.intake.reader import read_day

    text = document_json(plan_document(hand_plan(read_day(PLAN_SMALL))))
    payload = json.loads(text)
    payload["routes"][0]["tonnes"] = 3.0
    with pytest.raises(InputError, match=r"bus route .*: has no `tonnes`"):
        parse_plan_json(json.dumps(payload))
