"""dispatch.charters.explain: generic solver reasons become worker-facing reasons with domain
details."""

from __future__ import annotations

import pytest

from dispatch.charters.bus_problem import Built, build_problem, day_network, day_travel
from dispatch.charters.explain import ExitBlame, request_reason
from dispatch.charters.prepare import prepare
from dispatch.reasons import UnservedReason
from routing.network.daynetwork import DayNetwork
from routing.vrp.servability import Reason, ReasonCode
from stations.model import Exit, ExitStatus
from tests.network_cases import one_bridge
from tests.town_cases import arrival, coach, town_day


@pytest.fixture(scope="module")
def bridge_day() -> tuple[Built, DayNetwork]:
    """One group to e1 (near side of the bridge) at 08:00, its checkpoint closed."""
    checkpoint = Exit("bridge_cp", "大桥检查站", 120.55, 31.30, status=ExitStatus.CLOSED)
    day = town_day([arrival("w1", "08:00")], fleet=[coach("B1", 53)], exits=[checkpoint])
    prepared = prepare(day)
    daynet = day_network(day, one_bridge())
    return build_problem(prepared, day_travel(prepared, daynet)), daynet


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (ReasonCode.NO_VEHICLE_LARGE_ENOUGH, UnservedReason.NO_VEHICLE_LARGE_ENOUGH),
        (ReasonCode.RIDE_TOO_LONG, UnservedReason.RIDE_TOO_LONG),
        (ReasonCode.OUTSIDE_ALL_SHIFTS, UnservedReason.OUTSIDE_ALL_SHIFTS),
        (ReasonCode.SHIFT_TOO_SHORT, UnservedReason.OUTSIDE_ALL_SHIFTS),
        (ReasonCode.NO_VEHICLE_PROFILE, UnservedReason.NO_USABLE_BUS),
    ],
)
def test_codes_map_with_their_detail(
    bridge_day: tuple[Built, DayNetwork], code: ReasonCode, expected: UnservedReason
) -> None:
    """Each generic code has its worker-facing reason; the numbers of the detail are kept."""
    built, daynet = bridge_day
    request = built.prepared.grouping.requests[0]
    reason, detail, exits = request_reason(
        built, request, Reason(code, "the numbers"), ExitBlame(built, daynet)
    )
    assert (reason, detail, exits) == (expected, "the numbers", ())


def test_fleet_exhausted_names_the_buses_and_the_window(
    bridge_day: tuple[Built, DayNetwork],
) -> None:
    """How many buses could have served the group alone, which, and when they were busy."""
    built, daynet = bridge_day
    request = built.prepared.grouping.requests[0]
    found = Reason(ReasonCode.FLEET_EXHAUSTED, "generic", vehicles=("B1", "B2"))
    reason, detail, _ = request_reason(built, request, found, ExitBlame(built, daynet))
    assert reason is UnservedReason.FLEET_EXHAUSTED
    assert detail == (
        "2 bus(es) could have served this group of 1 alone (B1, B2), but all of them were "
        "busy around its pickup window 08:10–09:00"
    )


def test_a_cut_arc_blames_the_exit(bridge_day: tuple[Built, DayNetwork]) -> None:
    """The station → depot arc crosses nothing; station → east town crosses the checkpoint."""
    built, daynet = bridge_day
    request = built.prepared.grouping.requests[0]
    blame = ExitBlame(built, daynet)
    keys = built.travel.keys
    station = keys.index(next(k for k in keys if k.place_id == "s1"))
    depot = keys.index(next(k for k in keys if k.place_id == "d1"))
    assert blame.exits([(station, depot)]) == ()
    unreachable = Reason(ReasonCode.UNREACHABLE, "generic", arcs=((station, depot),))
    reason, detail, exits = request_reason(built, request, unreachable, blame)
    assert reason is UnservedReason.TIME_WINDOW_UNREACHABLE and exits == ()
    assert "the roads do not connect these places" in detail


def test_time_window_reason_depends_on_reaching_the_station(
    bridge_day: tuple[Built, DayNetwork],
) -> None:
    """The bus reaches s1 by 09:00, so a missed window is about finishing within the shift."""
    built, daynet = bridge_day
    request = built.prepared.grouping.requests[0]
    found = Reason(ReasonCode.TIME_WINDOW_UNREACHABLE, "back too late")
    reason, detail, _ = request_reason(built, request, found, ExitBlame(built, daynet))
    assert (reason, detail) == (UnservedReason.OUTSIDE_ALL_SHIFTS, "back too late")
