"""dispatch.planner: whole days planned end to end on tiny road networks, checked by hand and
re-simulated independently (dispatch.charters.verify)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.charters.bus_problem import build_problem, day_network, day_travel, travel_of
from dispatch.charters.prepare import prepare
from dispatch.charters.verify import verify_plan
from dispatch.day import Day, HealthCode, NucleicTest, RiskLevel, RiskRegion
from dispatch.outputs.plan_json import document_json, plan_document
from dispatch.plan import Plan, StepKind
from dispatch.planner import SERVED_BOUND_SHARE, bound_seconds, plan_day, with_bounds
from dispatch.policy import Mixing
from dispatch.reasons import ExclusionReason, UnservedReason
from routing.network.roads import RoadNetwork
from routing.vrp import solve
from stations.model import Exit, ExitStatus, Registry
from tests.town_cases import arrival, coach, grid_town, node, permit, station, town_day


def planned(day: Day, network: RoadNetwork) -> Plan:
    """Plan ``day`` and assert that the independent re-simulation finds nothing wrong."""
    plan = plan_day(day, network=network)
    found = verify_plan(plan, travel_of(day, network))
    assert not found, "\n".join(map(str, found))
    return plan


def on_board_trips(plan: Plan) -> list[list[str]]:
    """Per step of every route: ids of the trips on board after it."""
    out: list[list[str]] = []
    for route in plan.routes:
        aboard: list[str] = []
        for step in route.steps:
            if step.kind is StepKind.BOARD and step.trip_id:
                aboard.append(step.trip_id)
            elif step.kind is StepKind.ALIGHT and step.trip_id:
                aboard.remove(step.trip_id)
            out.append(list(aboard))
    return out


def test_three_groups_chain_on_one_bus(town: RoadNetwork) -> None:
    """Three workers for three employers, 5 min apart: one bus chains the three trips."""
    day = town_day(
        [
            arrival("w1", "08:00"),
            arrival("w2", "08:05", enterprise_id="e2"),
            arrival("w3", "08:10", enterprise_id="e3"),
        ],
        fleet=[coach("B1", 53), coach("B2", 19)],
    )
    plan = planned(day, town)
    assert plan.kpis.buses_used == 1
    assert plan.kpis.trips == 3 and plan.kpis.workers_transported == 3
    assert plan.kpis.fleet_lower_bound == 1
    route = plan.routes[0]
    assert route.steps[0].kind is StepKind.LEAVE_DEPOT
    assert route.steps[-1].kind is StepKind.RETURN_DEPOT
    assert len(route.trip_ids) == 3
    unused = [i for i in plan.idle if i.vehicle_id != route.vehicle_id]
    assert [i.reason_en for i in unused] == ["not needed: the trips are covered by other buses"]
    # every leg on the south road: km of the route = km of its steps' legs
    assert route.empty_km == pytest.approx(route.distance_km - route.loaded_km)


def test_load_factor_cap_and_escort_seat_hold(town: RoadNetwork) -> None:
    """30 workers at once for one employer, 53-seat buses (26 places at 50 %, escort
    included): two trips of 15 workers + 1 escort each, never more than 26 on board."""
    workers = [arrival(f"w{i:02d}", "08:00") for i in range(30)]
    day = town_day(workers, fleet=[coach("B1", 53), coach("B2", 53)])
    plan = planned(day, town)
    assert plan.kpis.workers_transported == 30
    assert sorted(t.headcount for t in plan.trips) == [15, 15]
    assert all(t.escort_seats == 1 and t.passengers == 16 for t in plan.trips)
    cap = day.policy.bus_capacity(53)
    assert cap == 26
    assert max(s.on_board for r in plan.routes for s in r.steps) <= cap
    assert plan.kpis.seat_use <= plan.kpis.load_factor_cap


def test_multi_drop_respects_the_cap_over_shared_legs(town: RoadNetwork) -> None:
    """Three groups of 10 from one station under multi-drop: two fit together (22 ≤ 26 with
    their escorts), three never do."""
    workers = [
        arrival(f"{e}-{i}", "08:00", enterprise_id=e) for e in ("e1", "e2", "e3") for i in range(10)
    ]
    day = town_day(workers, fleet=[coach("B1", 53)], mixing="multi_drop")
    plan = planned(day, town)
    assert max(s.on_board for r in plan.routes for s in r.steps) <= 26
    assert max(len(a) for a in on_board_trips(plan)) <= 2


def quick_boarding(**changes: object) -> dict[str, object]:
    """Policy values for groups that board in 2 minutes, with a 5-minute boarding window."""
    return {
        "health_check_min": 1.0,
        "board_min_per_person": 0.2,
        "transfer_min": 10.0,
        "max_wait_min": 15.0,
        **changes,
    }


def mixing_day(mixing: str) -> Day:
    """One bus; two groups of 4 from s1 (to e2 and e3) and one from s2 (to e2), all arriving
    08:00 with boarding between 08:10 and 08:15: the s1 groups can only both ride if they
    share the bus; the s2 group never may join them."""
    workers = [arrival(f"a{i}", "08:00", enterprise_id="e2") for i in range(4)]
    workers += [arrival(f"b{i}", "08:00", enterprise_id="e3") for i in range(4)]
    workers += [arrival(f"c{i}", "08:00", station_id="s2", enterprise_id="e2") for i in range(4)]
    return town_day(
        workers,
        fleet=[coach("B1", 53)],
        stations=[station("s1", node(0)), station("s2", node(0, 1))],
        **quick_boarding(mixing=mixing),
    )


def test_multi_drop_mixes_groups_of_one_station_only(town: RoadNetwork) -> None:
    """Under multi-drop both s1 groups ride together; the s2 group is left out, and it is
    the bus being busy that keeps it out."""
    plan = planned(mixing_day("multi_drop"), town)
    together = [a for a in on_board_trips(plan) if len(a) > 1]
    assert together, "the two s1 groups should share the bus"
    for aboard in together:
        assert {plan.trip(t).station_id for t in aboard} == {"s1"}
    assert {u.worker_id[0] for u in plan.unserved} == {"c"}
    assert {u.reason for u in plan.unserved} == {UnservedReason.FLEET_EXHAUSTED}
    assert plan.kpis.fleet_lower_bound is None


def test_mixing_none_never_has_two_groups_on_board(town: RoadNetwork) -> None:
    """Point to point, the same bus can take only one of the three groups; the other two
    are unserved because the only bus is busy, and the detail says which bus and when."""
    plan = planned(mixing_day("none"), town)
    assert max(len(a) for a in on_board_trips(plan)) == 1
    assert plan.kpis.trips == 1
    assert len(plan.unserved) == 8
    assert {u.reason for u in plan.unserved} == {UnservedReason.FLEET_EXHAUSTED}
    detail = plan.unserved[0].detail
    assert "1 bus(es) could have served this group of 4 alone (B1)" in detail
    assert "08:10–08:15" in detail


def test_only_vehicles_with_a_valid_passenger_permit_are_used(town: RoadNetwork) -> None:
    """Four buses: no permit, expired, goods permit only, valid. Two groups far apart in
    time: only the valid bus drives, the others are idle with their reason."""
    fleet = [coach("NONE", 53), coach("OLD", 53), coach("GOODS", 53), coach("OK", 19)]
    expired = dataclasses.replace(
        permit("OLD"), valid_to=permit("OLD").valid_from.replace(month=2, day=1)
    )
    permits = [expired, permit("GOODS", kind="goods"), permit("OK")]
    workers = [arrival("w1", "08:00"), arrival("w2", "15:00", enterprise_id="e3")]
    plan = planned(town_day(workers, fleet=fleet, permits=permits), town)
    assert [r.vehicle_id for r in plan.routes] == ["OK"]
    assert plan.routes[0].permit_no == "P-OK"
    idle = {i.vehicle_id: i.reason_en for i in plan.idle}
    assert idle == {
        "NONE": "has no transport permit",
        "OLD": "permit has expired (valid through 2020-01-31)",
        "GOODS": "holds a goods permit only, not a passenger permit",
    }


def test_no_usable_bus_leaves_everyone_unserved_with_the_reason(town: RoadNetwork) -> None:
    """Only a bus without a permit: every eligible worker is unserved, nobody is lost."""
    plan = planned(town_day([arrival("w1", "08:00")], fleet=[coach("NONE", 53)], permits=[]), town)
    assert plan.routes == () and plan.kpis.buses_used == 0
    assert [u.reason for u in plan.unserved] == [UnservedReason.NO_USABLE_BUS]
    assert "none of the 1 bus(es)" in plan.unserved[0].detail


def test_a_day_without_workers_or_buses_plans_nothing(town: RoadNetwork) -> None:
    """No arrivals: no routes, the bus idle as not needed; no fleet: the worker unserved."""
    empty = planned(town_day([], fleet=[coach("B1", 53)]), town)
    assert (empty.routes, empty.trips, empty.unserved) == ((), (), ())
    assert empty.kpis.fleet_lower_bound == 0 and empty.kpis.buses_vs_bound is None
    assert [i.vehicle_id for i in empty.idle] == ["B1"]
    nobody = planned(town_day([arrival("w1", "08:00")], fleet=[]), town)
    assert [(u.reason, u.detail) for u in nobody.unserved] == [
        (UnservedReason.NO_USABLE_BUS, "the fleet has no buses")
    ]


def test_high_risk_worker_is_excluded_with_that_reason(town: RoadNetwork) -> None:
    """A worker from a listed high-risk region never rides; a medium-risk one with a
    negative test does."""
    workers = [
        arrival("wuhan", "08:00", origin="湖北省武汉市江岸区"),
        arrival("wenzhou", "08:00", origin="浙江省温州市", test=NucleicTest.NEGATIVE),
        arrival("yellow", "08:00", health=HealthCode.YELLOW),
    ]
    regions = Registry.of(
        "risk region",
        [RiskRegion("湖北省武汉市", RiskLevel.HIGH), RiskRegion("浙江省温州市", RiskLevel.MEDIUM)],
        "region",
    )
    day = town_day(workers, fleet=[coach("B1", 53)]).replace(risk_regions=regions)
    plan = planned(day, town)
    reasons = {e.worker_id: e.reason for e in plan.excluded}
    assert reasons == {
        "wuhan": ExclusionReason.HIGH_RISK_ORIGIN,
        "yellow": ExclusionReason.HEALTH_CODE_YELLOW,
    }
    riders = {w for t in plan.trips for w in t.worker_ids}
    assert riders == {"wenzhou"}
    assert plan.kpis.workers_excluded == 2 and plan.kpis.nothing_lost


@pytest.mark.parametrize(
    ("status", "shown"),
    [(ExitStatus.CLOSED, "closed"), (ExitStatus.FREIGHT_ONLY, "freight-only")],
)
def test_request_behind_a_blocking_exit_is_unserved_naming_the_exit(
    bridge: RoadNetwork, status: ExitStatus, shown: str
) -> None:
    """The only road to e2 crosses the bridge; with its checkpoint closed (or freight-only)
    the e2 group is unserved with ``route_blocked_by_exit`` naming the checkpoint, while the
    e1 group on the near side rides."""
    checkpoint = Exit("bridge_cp", "大桥检查站", 120.55, 31.30, status=status)
    workers = [arrival("near", "08:00"), arrival("far", "08:00", enterprise_id="e2")]
    day = town_day(workers, fleet=[coach("B1", 53)], exits=[checkpoint])
    plan = planned(day, bridge)
    assert [w for t in plan.trips for w in t.worker_ids] == ["near"]
    (unserved,) = plan.unserved
    assert unserved.reason is UnservedReason.ROUTE_BLOCKED_BY_EXIT
    assert unserved.exits == ("bridge_cp",)
    assert f"bridge_cp 大桥检查站 ({shown})" in unserved.detail
    assert "station s1 → enterprise e2" in unserved.detail


def test_open_exit_adds_its_delay_and_serves_everyone(bridge: RoadNetwork) -> None:
    """With the checkpoint open (20 min) the far group rides, 20 minutes longer."""
    checkpoint = Exit("bridge_cp", "大桥检查站", 120.55, 31.30, delay_min=20.0)
    day = town_day(
        [arrival("far", "08:00", enterprise_id="e2")], fleet=[coach("B1", 53)], exits=[checkpoint]
    )
    plan = planned(day, bridge)
    (trip,) = plan.trips
    assert trip.ride_min == pytest.approx(8.0 + 20.0)  # 0.08° at 1 min per 0.01°, + checkpoint


def test_late_requests_get_specific_reasons(town: RoadNetwork) -> None:
    """Operating day ends 23:00: a worker arriving 22:55 cannot board in time (grouping
    reason); one arriving 22:40 can board but no bus can deliver and be back by 23:00."""
    workers = [arrival("late", "22:55"), arrival("tight", "22:40", enterprise_id="e3")]
    day = town_day(workers, fleet=[coach("B1", 53)], day_end_min="23:00")
    plan = planned(day, town)
    reasons = {u.worker_id: u for u in plan.unserved}
    assert reasons["late"].reason is UnservedReason.AFTER_OPERATING_HOURS
    assert "arrives 22:55" in reasons["late"].detail
    assert reasons["tight"].reason is UnservedReason.OUTSIDE_ALL_SHIFTS
    assert reasons["tight"].request_id is not None
    assert plan.trips == ()


def demand(count: int, *, seed: int = 0) -> list:
    """``count`` workers spread over the morning, three employers, two stations."""
    out = []
    for i in range(count):
        minute = (i * 37 + seed * 11) % 240
        out.append(
            arrival(
                f"w{i:03d}",
                f"{6 + minute // 60:02d}:{minute % 60:02d}",
                station_id="s1" if i % 3 else "s2",
                enterprise_id=f"e{1 + i % 3}",
            )
        )
    return out


def busy_day() -> Day:
    """36 workers, two stations, three employers, three buses of different sizes."""
    return town_day(
        demand(36),
        fleet=[coach("B53", 53), coach("B35", 35, cost_per_km=3.0), coach("B19", 19)],
        stations=[station("s1", node(0)), station("s2", node(3, 1))],
    )


def canonical(plan: Plan) -> str:
    """Everything in the plan except wall-clock timings."""
    kpis = dataclasses.replace(plan.kpis, solve_seconds=0.0)
    meta = dataclasses.replace(plan.meta, wall_seconds=0.0)
    parts = (plan.routes, plan.trips, plan.unserved, plan.excluded, plan.idle, plan.subsidy)
    return repr((parts, kpis, meta))


def test_same_seed_gives_an_identical_plan(town: RoadNetwork) -> None:
    """Two runs with seed 7 and a deterministic effort budget: identical plans and plan.json."""
    day = busy_day()
    first, second = plan_day(day, network=town), plan_day(day, network=town)
    assert canonical(first) == canonical(second)
    assert document_json(plan_document(first)) == document_json(plan_document(second))
    assert first.kpis.workers_transported > 0


def test_stages_are_reported_in_order(town: RoadNetwork) -> None:
    """on_stage sees every stage once, in order, with fractions rising to 1."""
    seen: list[tuple[str, float]] = []
    plan_day(busy_day(), network=town, on_stage=lambda name, f: seen.append((name, f)))
    names = [n for n, _ in seen]
    assert names == ["prepare", "network", "matrix", "solve", "explain", "assemble", "done"]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_meanwhile_runs_once_after_the_solve_and_changes_nothing(town: RoadNetwork) -> None:
    """The caller's work beside the bound runs once, after the solve and before the bounds
    are in, with the plan as it will be but for the bounds and the wall time."""
    seen: list[str] = []
    provisional: list[Plan] = []

    def meanwhile(plan: Plan) -> None:
        seen.append("meanwhile")
        provisional.append(plan)

    plan = plan_day(
        busy_day(), network=town, on_stage=lambda name, _: seen.append(name), meanwhile=meanwhile
    )
    assert seen.count("meanwhile") == 1
    assert seen.index("solve") < seen.index("meanwhile") < seen.index("done")
    assert canonical(plan) == canonical(plan_day(busy_day(), network=town))
    early = provisional[0]
    assert early.kpis.fleet_lower_bound is None and plan.kpis.fleet_lower_bound is not None
    assert plan.routes is early.routes and plan.trips is early.trips
    assert plan == with_bounds(
        early,
        plan.kpis.fleet_lower_bound,
        plan.kpis.buses_needed_all,
        wall_seconds=plan.meta.wall_seconds,
    )


def test_kpis_add_up_and_the_bound_holds(town: RoadNetwork) -> None:
    """Transported + excluded + unserved = registered; buses used ≥ the fleet lower bound."""
    plan = planned(busy_day(), town)
    k = plan.kpis
    assert k.nothing_lost
    assert k.fleet_lower_bound is not None and 1 <= k.fleet_lower_bound <= k.buses_used
    assert k.bus_km == pytest.approx(k.bus_km_loaded + k.bus_km_empty, abs=0.01)
    assert k.cost_cny == pytest.approx(sum(r.cost_cny for r in plan.routes), abs=0.01)
    assert sum(s.cost_cny for s in plan.subsidy) == pytest.approx(k.cost_cny, abs=0.05)
    assert k.wait_max_min <= plan.day.policy.max_wait_min + 1e-6


def test_bounds_wait_only_for_a_plan_that_is_not_repeatable() -> None:
    """With an effort budget the bounds have no clock (their work budget makes them the
    same everywhere); with a time limit only they end with the solve stage, and the served
    trips' bound after it takes a share of the limit."""
    day = busy_day()
    repeatable = day.replace(policy=day.policy.replace(effort=50, time_limit_s=20.0))
    timed = day.replace(policy=day.policy.replace(effort=None, time_limit_s=20.0))
    assert bound_seconds(repeatable) == bound_seconds(repeatable, SERVED_BOUND_SHARE) == math.inf
    assert bound_seconds(timed) == 20.0
    assert bound_seconds(timed, SERVED_BOUND_SHARE) == 20.0 * SERVED_BOUND_SHARE < 20.0


def test_a_plan_without_effort_still_gets_valid_bounds(town: RoadNetwork) -> None:
    """Time limit only: the bound beside the solve stops when the plan needs it, and both
    figures are still at most the buses used."""
    day = busy_day()
    plan = plan_day(
        day.replace(policy=day.policy.replace(effort=None, time_limit_s=2.0)), network=town
    )
    k = plan.kpis
    assert k.fleet_lower_bound is not None and 1 <= k.fleet_lower_bound <= k.buses_used
    assert k.buses_needed_all is not None and k.fleet_lower_bound <= k.buses_needed_all


def test_time_slices_give_a_feasible_day(town: RoadNetwork) -> None:
    """Solving the busy day with several jobs on board (OR-Tools; trip chaining takes
    point-to-point and pooled days whole) in slices of 4 jobs keeps every rule."""
    day = busy_day()
    day = day.replace(policy=day.policy.replace(mixing=Mixing.MULTI_DROP))
    prepared = prepare(day)
    travel = day_travel(prepared, day_network(day, town))
    built = build_problem(prepared, travel)
    params = dataclasses.replace(day.policy.solve_params(), slice_jobs=4)
    # without board keys the jobs are not pooled trips: OR-Tools plans them, in slices
    jobs = tuple(dataclasses.replace(j, board_key=None) for j in built.problem.jobs)
    solution = solve(dataclasses.replace(built.problem, jobs=jobs), params)
    assert "slices:" in solution.status
    assert solution.backend == "ortools_slices"
    served = {s.job_id for r in solution.routes for s in r.stops if s.job_id}
    assert served | set(solution.unassigned) == {j.job_id for j in built.problem.jobs}


# ----------------------------------------------------------------------------- property


@st.composite
def small_days(draw: Callable[..., object]) -> Day:
    """A few workers, up to three employers and stations, one to three buses, random policy."""
    count = draw(st.integers(1, 10))
    workers = []
    for i in range(count):
        minute = draw(st.integers(5 * 60, 24 * 60 - 1))
        workers.append(
            arrival(
                f"w{i}",
                f"{minute // 60:02d}:{minute % 60:02d}",
                station_id=draw(st.sampled_from(["s1", "s2"])),
                enterprise_id=draw(st.sampled_from(["e1", "e2", "e3"])),
                health=draw(st.sampled_from([HealthCode.GREEN] * 4 + [HealthCode.YELLOW])),
            )
        )
    seats = draw(st.lists(st.sampled_from([8, 19, 35, 53]), min_size=1, max_size=3))
    fleet = [coach(f"B{k}", s) for k, s in enumerate(seats)]
    return town_day(
        workers,
        fleet=fleet,
        stations=[station("s1", node(0)), station("s2", node(draw(st.integers(0, 5)), 1))],
        load_factor=draw(st.sampled_from([0.5, 0.75, 1.0])),
        mixing=draw(st.sampled_from([Mixing.NONE.value, Mixing.MULTI_DROP.value])),
        max_wait_min=draw(st.sampled_from([20.0, 60.0])),
        shift_hours=draw(st.sampled_from([2.0, 10.0])),
        effort=50,
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=small_days())
def test_random_days_lose_nobody_and_every_route_is_feasible(day: Day) -> None:
    """Any small day: the plan accounts for every worker once (checked on construction) and
    the independent re-simulation finds no broken rule."""
    network = grid_town()
    plan = plan_day(day, network=network)
    assert not verify_plan(plan, travel_of(day, network))
    everyone = {a.worker_id for a in day.arrivals}
    riders = [w for t in plan.trips for w in t.worker_ids]
    accounted = riders + [e.worker_id for e in plan.excluded] + [u.worker_id for u in plan.unserved]
    assert sorted(accounted) == sorted(everyone)
    assert all(u.reason and (u.detail or u.request_id is None) for u in plan.unserved)
