"""Tests for maps.from_plan: a plan's routes drawn along the road network, unserved requests
and the fleet by permit state, from the plan document."""

from __future__ import annotations

import dataclasses
import itertools
import logging
from pathlib import Path

import pytest

from dispatch.charters.bus_problem import day_network
from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import write_plan
from dispatch.outputs.plan_json import PlanDocument, plan_document, read_plan_json
from dispatch.outputs.privacy import has_personal_number
from dispatch.outputs.route_json import StepEntry
from dispatch.planner import plan_day
from maps.from_plan import (
    checkpoint_delays,
    document_map,
    document_network,
    leg_paths,
    leg_profile,
    permit_states,
    plan_geometry,
    point_key,
    route_layers,
    unserved_markers,
    write_plan_map,
)
from maps.permits import PermitStatus
from routing.network.daynetwork import network_for_day
from routing.network.speed import Profile
from stations.lang import Lang
from stations.model import ExitStatus
from tests.collision_cases import COLLISIONS, Collision
from tests.map_cases import read_rendered
from tests.network_cases import bridge_exit, one_bridge
from tests.plan_cases import ESCORT_PHONE, ID_NUMBERS, PHONES, hand_plan


@pytest.fixture(scope="module")
def document() -> PlanDocument:
    """plan.json of the hand-made plan of plan_small (two buses, one unserved, one idle)."""
    return plan_document(hand_plan())


@pytest.fixture(scope="module")
def rendered_html(document: PlanDocument) -> str:
    """The English route map of the hand-made plan."""
    return document_map(document).render()


def test_one_route_layer_per_used_bus_along_the_roads(document: PlanDocument) -> None:
    layers = route_layers(document, document_network(document))
    assert [layer.plate for layer in layers] == ["苏E·30001", "苏E·30002"]
    for layer, route in zip(layers, document.routes, strict=True):
        depot = route.steps[0]
        assert layer.path[0] == (depot.lon, depot.lat) == layer.path[-1]
        assert len(layer.path) > len(route.steps)  # road geometry, not straight lines
        assert layer.permit_no == route.permit_no
        assert layer.permit_valid_to is not None and layer.permit_valid_to.isoformat() == (
            "2020-12-31"
        )
    assert layers[0].trips[0].headcount == 5
    assert layers[0].trips[0].origin == "Test Park Station"


def test_rendered_map_has_a_route_layer_per_bus_with_plate_and_permit(rendered_html: str) -> None:
    shown = read_rendered(rendered_html)
    routes = [name for name in shown.overlays if name.startswith("Bus ")]
    assert routes == [
        "Bus 苏E·30001 · 合成客运公司 (1 trip · 5 workers)",
        "Bus 苏E·30002 · 合成客运公司 (1 trip · 2 workers)",
    ]
    for plate, permit in (
        ("苏E·30001", "苏交运管许可苏字320500300001号"),
        ("苏E·30002", "苏交运管许可苏字320500300002号"),
    ):
        (call,) = shown.layer(f"Bus {plate}")
        popup = call[1]["l"][0][3]  # type: ignore[index]
        assert popup["t"] == plate
        assert ["Permit no.", permit] in popup["r"]


def test_unserved_marker_at_the_station_with_the_reason(rendered_html: str) -> None:
    (call,) = read_rendered(rendered_html).layer("Unserved requests (1)")
    (point,) = call[1]["p"]  # type: ignore[index]
    assert point[:2] == [31.34265, 120.7066]
    assert point[4]["b"] == [
        [
            "arrives after the operating day ends",
            "1",
            "合成测试精密制造有限公司; boarding could start at 00:05 at the earliest",
        ]
    ]


def test_unserved_markers_group_by_station_employer_and_reason(document: PlanDocument) -> None:
    twice = dataclasses.replace(document, unserved=document.unserved * 2)
    (marker,) = unserved_markers(twice, lang=Lang.ZH)
    assert marker.headcount == 2
    assert (marker.place, marker.reason) == ("测试园区站", "到站过晚，运营时间已结束")


def test_fleet_by_permit_state(document: PlanDocument) -> None:
    states = {s.vehicle_id: s for s in permit_states(document)}
    assert set(states) == {"苏E·30001", "苏E·30002", "苏E·30003"}
    assert states["苏E·30001"].status(document.date) is PermitStatus.VALID
    idle = states["苏E·30003"]
    assert idle.status(document.date) is PermitStatus.IDLE
    assert idle.valid_to is not None and idle.valid_to.isoformat() == "2020-02-20"
    assert "expired" in idle.note


def test_no_personal_numbers_in_the_map(rendered_html: str) -> None:
    for number in (*ID_NUMBERS, *PHONES, ESCORT_PHONE):
        assert number not in rendered_html
    assert "990***" not in rendered_html and "139****" not in rendered_html
    assert not has_personal_number(rendered_html)


def test_checkpoint_delays_follow_the_policy(document: PlanDocument) -> None:
    policy = document.meta.policy.replace(checkpoint_delay_open_min=40.0)
    delays = checkpoint_delays(policy)
    assert (delays.open_min, delays.green_channel_min) == (40.0, 3.0)


def test_a_leg_cut_by_a_closed_exit_is_drawn_straight(
    document: PlanDocument, caplog: pytest.LogCaptureFixture
) -> None:
    """On the one-bridge network with the bridge closed, the depot → station leg (west side)
    follows the road; station → employer (east side) has no route and is drawn straight."""
    spots = {"D1": (120.51, 31.30), "yq_test": (120.50, 31.30), "E1": (120.60, 31.30)}
    route = document.routes[0]
    steps = tuple(
        dataclasses.replace(s, lon=spots[s.place][0], lat=spots[s.place][1]) for s in route.steps
    )
    moved = dataclasses.replace(document, routes=(dataclasses.replace(route, steps=steps),))
    network = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    with caplog.at_level(logging.WARNING, logger="maps.from_plan"):
        paths = leg_paths(moved, network)
    station, employer, depot = ("station", "yq_test"), ("enterprise", "E1"), ("depot", "D1")
    assert paths[(Profile.BUS, station, employer)] == [(120.50, 31.30), (120.60, 31.30)]
    assert len(paths[(Profile.BUS, depot, station)]) >= 2
    assert "drawing station yq_test → enterprise E1 straight" in caplog.text


def test_step_entries_keep_their_order_in_the_path(document: PlanDocument) -> None:
    """A route visiting the same place twice in a row draws no zero-length leg."""
    route = document.routes[0]
    doubled: tuple[StepEntry, ...] = (*route.steps[:2], route.steps[1], *route.steps[2:])
    again = dataclasses.replace(document, routes=(dataclasses.replace(route, steps=doubled),))
    (layer,) = route_layers(again, document_network(again))
    assert layer.path[0] == layer.path[-1]


def test_a_plans_map_is_drawn_on_its_own_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``write_plan_map`` draws the document ``write_plan`` made on ``plan.network``: no
    network is bound again, and the map equals the one rebuilt from the folder."""
    plan = hand_plan()
    plan = dataclasses.replace(plan, network=day_network(plan.day))
    files = write_plan(plan, tmp_path, lang=Lang.EN)

    def rebind(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was built again")

    monkeypatch.setattr("maps.from_plan.network_for_day", rebind)
    drawn = read_rendered(write_plan_map(plan, files, lang=Lang.BOTH).read_text(encoding="utf-8"))
    monkeypatch.undo()
    again = read_rendered(document_map(read_plan_json(tmp_path), lang=Lang.ZH).render())
    assert list(drawn.overlays) == list(again.overlays)


def test_geometry_found_before_the_bounds_draws_the_same_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plan_geometry`` of the plan before its bounds are in (the CLI finds it while the
    bound finishes) draws the map of the finished plan without looking for a road again."""
    plan = hand_plan()
    plan = dataclasses.replace(plan, network=day_network(plan.day))
    early = dataclasses.replace(
        plan, kpis=dataclasses.replace(plan.kpis, fleet_lower_bound=None, buses_needed_all=None)
    )
    geometry = plan_geometry(early)
    files = write_plan(plan, tmp_path / "plan", lang=Lang.EN)
    plain = read_rendered(write_plan_map(plan, files).read_text(encoding="utf-8"))

    def search(*args: object, **kwargs: object) -> None:
        raise AssertionError("the roads were searched again")

    monkeypatch.setattr("maps.from_plan.leg_paths", search)
    reused = read_rendered(
        write_plan_map(plan, files, geometry=geometry).read_text(encoding="utf-8")
    )
    assert reused == plain


@pytest.mark.parametrize("collision", COLLISIONS, ids=lambda c: c.name)
def test_places_that_share_an_id_are_drawn_where_they_are(
    collision: Collision, tmp_path: Path
) -> None:
    """Every leg of every bus and truck runs from its own step's place to the next one's,
    even where an employer, a station, a depot or an exit share an id (a leg keyed by the id
    alone would start at the other place, kilometres away)."""
    plan = plan_day(read_day(collision.write(tmp_path)))
    document = plan_document(plan)
    geometry = leg_paths(document, plan.network or document_network(document))
    drawn = 0
    for route in (*document.routes, *document.truck_routes):
        for a, b in itertools.pairwise(route.steps):
            leg = (leg_profile(route, a), point_key(route, a), point_key(route, b))
            if leg[1] == leg[2]:
                continue
            path = geometry[leg]
            assert path[0] == pytest.approx((a.lon, a.lat), abs=1e-5), (leg, a.name)
            assert path[-1] == pytest.approx((b.lon, b.lat), abs=1e-5), (leg, b.name)
            drawn += 1
    assert drawn >= 4


# --------------------------------------------------------------------------- versions


def test_a_version_against_its_parent_shows_cancelled_and_new_legs() -> None:
    """b1 breaks down with G1 on board: its later legs are cancelled (grey), the bus that takes
    over drives new legs (bold); the map names the parent and the re-plan's time."""
    from dispatch.replan.events import VehicleBreakdown
    from maps.from_plan import version_changes
    from tests.replan_cases import planned, replanned, town, trains_day, when

    day = trains_day()
    parent_plan = planned(day, town())
    broken = VehicleBreakdown(when("09:05"), "b1", when("09:05"))
    child = replanned(day, parent_plan, [broken], "09:10", town()).plan
    parent, document = plan_document(parent_plan), plan_document(child)
    cancelled, new = version_changes(document, parent)
    assert cancelled and {plate for plate, *_ in cancelled} == {"b1"}
    assert not [leg for leg in new if leg[0] == "b1"]  # e1 → depot was its last leg already
    assert {plate for plate, *_ in new} - {"b1"}  # another bus takes over
    html = document_map(document, network=child.network, parent=parent).render()
    assert "Cancelled legs (grey)" in html and "New legs (bold)" in html
    assert "Re-planned at 09:10 from the parent version (test parent)" in html
