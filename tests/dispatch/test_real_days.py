"""Real days: serving more when buses run short (no improving single exchange is left),
priorities, pooling under the charter rules, both bounds and the measured advice — on small
hand-made sparse days on the grid town."""

from __future__ import annotations

import dataclasses

from dispatch.charters.advice import ADVICE_TIME_SHARE, pooled_day, quick
from dispatch.charters.bus_problem import build_problem, day_network, day_travel, travel_of
from dispatch.charters.prepare import prepare
from dispatch.charters.verify import verify_plan
from dispatch.day import Day
from dispatch.outputs.plan_json import document_json, plan_document
from dispatch.plan import AdviceKind, Plan
from dispatch.planner import plan_day
from dispatch.policy import Mixing
from routing.network.roads import RoadNetwork
from routing.vrp import SolveParams, solve
from routing.vrp.schedule import Visit, build_route
from stations.model import Enterprise
from tests.town_cases import arrival, coach, employer, node, town_day


def planned(day: Day, town: RoadNetwork) -> Plan:
    """Plan ``day`` on ``town`` and assert that the independent re-simulation passes."""
    plan = plan_day(day, network=town)
    assert not verify_plan(plan, travel_of(day, town))
    return plan


def sparse_day(**policy: object) -> Day:
    """One 19-seat bus (8 places: room for one group at a time point to point) and groups of
    one to four workers for three employers arriving every few minutes all morning: more
    trips than one bus can drive."""
    workers = []
    clocks = ["07:00", "07:05", "07:20", "07:40", "08:00", "08:10", "08:30", "09:00", "09:10"]
    for k, clock in enumerate(clocks):
        employer_id = ("e1", "e2", "e3")[k % 3]
        size = 1 + (k * 7) % 4
        workers += [arrival(f"w{k}-{i}", clock, enterprise_id=employer_id) for i in range(size)]
    return town_day(workers, fleet=[coach("B19", 19)], shift_hours=2.5, max_wait_min=20.0, **policy)


def test_no_single_exchange_improves_a_sparse_plan(town: RoadNetwork) -> None:
    """Whatever the bus leaves unserved could not replace one of its trips and be worth more:
    every exchange of an unserved request for a served one on the bus either breaks a rule
    or serves fewer (weighted) workers."""
    day = sparse_day()
    prepared = prepare(day)
    built = build_problem(prepared, day_travel(prepared, day_network(day, town)))
    solution = solve(built.problem, day.policy.solve_params())
    assert solution.unassigned, "the day must leave someone unserved to be a test"
    problem = built.problem
    jobs = {j.job_id: j for j in problem.jobs}
    for route in solution.routes:
        vehicle = next(v for v in problem.vehicles if v.vehicle_id == route.vehicle_id)
        served = [s.job_id for s in route.stops if s.job_id and s.kind == "pickup"]
        for out in served:
            for unserved in solution.unassigned:
                trips = [unserved if t == out else t for t in served]
                visits = [Visit(jobs[t], pickup) for t in trips for pickup in (True, False)]
                if build_route(problem, vehicle, visits) is None:
                    continue
                assert problem.penalty(jobs[unserved]) <= problem.penalty(jobs[out]), (
                    f"{unserved} in place of {out} on {vehicle.vehicle_id} serves more"
                )


def test_the_larger_group_is_served_when_buses_run_short(town: RoadNetwork) -> None:
    """Two groups ready at once and one bus that can take only one of them: the group of four
    goes, not the group of one that arrived first."""
    workers = [arrival("one", "08:00", enterprise_id="e1")]
    workers += [arrival(f"four{i}", "08:02", enterprise_id="e2") for i in range(4)]
    day = town_day(workers, fleet=[coach("B19", 19)], shift_hours=0.75, max_wait_min=15.0)
    plan = planned(day, town)
    assert {t.enterprise_id for t in plan.trips} == {"e2"}
    assert [u.worker_id for u in plan.unserved] == ["one"]


def key_enterprise_day(weight: float) -> Day:
    """Two groups ready at once, one bus for one of them: e1 (a key enterprise) brings two
    workers, e2 three."""
    workers = [arrival(f"k{i}", "08:00", enterprise_id="e1") for i in range(2)]
    workers += [arrival(f"o{i}", "08:00", enterprise_id="e2") for i in range(3)]
    employers = [
        dataclasses.replace(employer("e1", node(2)), key_enterprise=True),
        employer("e2", node(4)),
        employer("e3", node(5)),
    ]
    return town_day(
        workers,
        fleet=[coach("B19", 19)],
        employers=employers,
        shift_hours=0.75,
        max_wait_min=15.0,
        priority_weight=weight,
    )


def test_the_priority_weight_changes_who_is_served(town: RoadNetwork) -> None:
    """Without priority the three workers of e2 ride; with weight 3 the two of the key
    enterprise e1 do (2 × 3 > 3), and the KPIs count the priority workers."""
    plain = planned(key_enterprise_day(1.0), town)
    first = planned(key_enterprise_day(3.0), town)
    assert {t.enterprise_id for t in plain.trips} == {"e2"}
    assert {t.enterprise_id for t in first.trips} == {"e1"}
    assert (first.kpis.priority_workers_eligible, first.kpis.priority_workers_transported) == (2, 2)
    assert plain.kpis.priority_workers_transported == 0


def test_priority_employers_named_by_the_policy_count_as_key(town: RoadNetwork) -> None:
    """An employer listed in ``priority_employers`` is served first like a key enterprise."""
    day = key_enterprise_day(3.0)
    employers = [dataclasses.replace(e, key_enterprise=False) for e in day.enterprises.values()]
    listed = town_day(
        day.arrivals,
        fleet=list(day.fleet),
        employers=employers,
        shift_hours=0.75,
        max_wait_min=15.0,
        priority_weight=3.0,
        priority_employers=("e1",),
    )
    assert {t.enterprise_id for t in planned(listed, town).trips} == {"e1"}


def pooling_day(mixing: str, **policy: object) -> Day:
    """Three small groups ready together at one station for three employers close to each
    other but 8–10 minutes from the station, one bus, an hour's shift: point to point serves
    one group in time, pooled all three in one trip."""
    workers = [arrival(f"a{i}", "08:00", enterprise_id="e1") for i in range(2)]
    workers += [arrival(f"b{i}", "08:01", enterprise_id="e2") for i in range(2)]
    workers += [arrival("c0", "08:02", enterprise_id="e3")]
    employers = [employer("e1", node(5)), employer("e2", node(5, 1)), employer("e3", node(4))]
    return town_day(
        workers,
        fleet=[coach("B45", 45)],
        employers=employers,
        shift_hours=1.0,
        max_wait_min=30.0,
        mixing=mixing,
        **policy,
    )


def test_pooling_serves_groups_point_to_point_cannot(town: RoadNetwork) -> None:
    """Pooled, the bus takes all three groups in one trip (one escort seat each); point to
    point it takes one; every pooled worker rides within direct + the detour limit."""
    alone = planned(pooling_day("none"), town)
    pooled = planned(pooling_day("pooled"), town)
    assert alone.kpis.workers_transported == 2
    assert pooled.kpis.workers_transported == 5
    assert pooled.meta.solver_backend == "pools"
    assert len({t.depart for t in pooled.trips}) == 1  # one departure from the station
    assert all(t.escort_seats == 1 for t in pooled.trips)
    travel = travel_of(pooled.day, town)
    prepared = prepare(pooled.day)
    direct = {r.request_id: travel.minutes(*_ends(r)) for r in prepared.grouping.requests}
    for trip in pooled.trips:
        assert trip.ride_min <= direct[trip.trip_id] + pooled.day.policy.pool_max_detour_min + 1e-6


def _ends(request: object) -> tuple[object, object]:
    from dispatch.charters.bus_problem import employer_key, station_key

    return station_key(request), employer_key(request)  # type: ignore[arg-type]


def test_auto_pools_small_groups_only(town: RoadNetwork) -> None:
    """Under ``auto`` with ``pool_below = 2`` the single worker of e3 may be pooled but the
    pairs ride alone: no trip carries two groups of two."""
    plan = planned(pooling_day("auto", pool_below=2), town)
    by_departure: dict[object, list[int]] = {}
    for trip in plan.trips:
        by_departure.setdefault((trip.vehicle_id, trip.depart), []).append(trip.headcount)
    assert all(sorted(sizes)[-2:] != [2, 2] for sizes in by_departure.values())


def test_district_pooling_keeps_districts_apart(town: RoadNetwork) -> None:
    """With ``pool_area = district`` two employers in different districts never share a bus."""
    day = pooling_day("pooled", pool_area="district")
    employers: list[Enterprise] = [
        dataclasses.replace(e, district="west" if e.enterprise_id == "e1" else "east")
        for e in day.enterprises.values()
    ]
    day = town_day(
        day.arrivals,
        fleet=list(day.fleet),
        employers=employers,
        shift_hours=1.0,
        max_wait_min=30.0,
        mixing="pooled",
        pool_area="district",
    )
    plan = planned(day, town)
    for trip in plan.trips:
        together = [
            t for t in plan.trips if (t.vehicle_id, t.depart) == (trip.vehicle_id, trip.depart)
        ]
        districts = {day.enterprises[t.enterprise_id].district for t in together}
        assert len(districts) == 1


def test_both_bounds_are_reported_and_ordered(town: RoadNetwork) -> None:
    """Point to point: the bound over the trips served is at most the buses used and at
    most the bound for every request; both are left out under pooling."""
    plan = planned(sparse_day(), town)
    k = plan.kpis
    assert k.fleet_lower_bound is not None and k.buses_needed_all is not None
    assert 1 <= k.fleet_lower_bound <= k.buses_used <= k.buses_usable
    assert k.buses_needed_all >= k.fleet_lower_bound
    assert k.buses_needed_all > k.buses_usable  # one bus cannot serve everyone
    pooled = planned(sparse_day(mixing="pooled"), town)
    assert pooled.kpis.fleet_lower_bound is None and pooled.kpis.buses_needed_all is None


def test_the_same_day_seed_and_effort_give_the_same_plan_json(town: RoadNetwork) -> None:
    """Bounds and advice included: two runs write identical plan.json text."""
    day = pooling_day("none")
    first = document_json(plan_document(plan_day(day, network=town)))
    second = document_json(plan_document(plan_day(day, network=town)))
    assert first == second
    assert '"advice"' in first and '"buses_needed_all"' in first


def test_advice_to_pool_is_measured_and_keeps_its_promise(town: RoadNetwork) -> None:
    """Point to point leaves three workers unserved; the advice says pooling serves them, and
    applying it and planning again serves at least as many more as it promised."""
    day = pooling_day("none")
    plan = planned(day, town)
    advice = {a.kind: a for a in plan.advice}
    assert AdviceKind.POOLING in advice
    promised = advice[AdviceKind.POOLING].workers_more
    assert promised == 3  # all five ride instead of the first two
    changed = pooled_day(day)
    assert changed is not None and changed.policy.mixing is Mixing.AUTO
    again = planned(changed, town)
    assert again.kpis.workers_transported - plan.kpis.workers_transported >= promised


def test_advice_for_more_buses_keeps_its_promise(town: RoadNetwork) -> None:
    """With pooling already on and the bus busy, more buses at the depot serve the rest; the
    re-plan with them serves at least the promised number more."""
    from dispatch.charters.advice import more_buses_day

    day = sparse_day(mixing="pooled")
    plan = planned(day, town)
    advice = {a.kind: a for a in plan.advice}
    assert AdviceKind.MORE_BUSES in advice
    more = advice[AdviceKind.MORE_BUSES]
    assert more.depot_id == "d1" and more.buses_added >= 1 and more.workers_more >= 1
    changed = more_buses_day(day, prepare(day), "d1", more.buses_added)
    again = planned(changed, town)
    assert again.kpis.workers_transported - plan.kpis.workers_transported >= more.workers_more


def test_no_advice_without_unserved_workers(town: RoadNetwork) -> None:
    """A day served in full gets no advice (and no re-plans)."""
    day = town_day([arrival("w1", "08:00")], fleet=[coach("B19", 19)])
    assert planned(day, town).advice == ()


def test_advice_re_plans_take_a_share_of_a_time_limit_only() -> None:
    """With an effort budget the advice re-plans use the plan's own settings (an exact
    promise); under a time limit alone a third of it each, so the advice never takes longer
    than the plan's own search."""
    timed = SolveParams(time_limit_s=30.0, seed=1, effort=None)
    repeatable = SolveParams(time_limit_s=30.0, seed=1, effort=500)
    assert quick(repeatable) == repeatable
    assert quick(timed) == SolveParams(time_limit_s=30.0 * ADVICE_TIME_SHARE, seed=1, effort=None)
    assert 3 * quick(timed).time_limit_s <= timed.time_limit_s + 1e-9
