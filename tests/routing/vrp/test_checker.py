"""Tests for routing.vrp.checker: it accepts a feasible plan and names every broken rule."""

from __future__ import annotations

import dataclasses

import pytest

from routing.errors import InfeasibleSolutionError
from routing.vrp.checker import (
    ViolationKind,
    assert_feasible,
    check,
    evaluate,
    route_from_sequence,
)
from routing.vrp.problem import Problem, Route, Solution, Stop, StopKind, TimeWindow
from tests.pdptw_cases import bus, job, line_matrix, line_problem, two_jobs_one_bus

P, D = StopKind.PICKUP, StopKind.DELIVERY


def _solution(problem: Problem, *routes: Route, unassigned: tuple[str, ...] = ()) -> Solution:
    return Solution(routes=routes, unassigned=unassigned, objective=0, wall_time_s=0.0)


def _kinds(problem: Problem, solution: Solution) -> set[ViolationKind]:
    return {v.kind for v in check(problem, solution)}


def _retime(route: Route, index: int, **changes: int) -> Route:
    stops = list(route.stops)
    stops[index] = dataclasses.replace(stops[index], **changes)
    return dataclasses.replace(route, stops=tuple(stops))


def test_feasible_chain_passes_with_recomputed_metrics() -> None:
    """a and b on board together (9 of 10 seats): 40 km out and 40 km back."""
    problem = two_jobs_one_bus()
    route = route_from_sequence(problem, "bus1", [(P, "a"), (P, "b"), (D, "a"), (D, "b")])
    solution = _solution(problem, route)
    evaluation = assert_feasible(problem, solution)
    assert evaluation.distance_m == 80_000
    assert evaluation.duration_s == 80 * 60
    assert evaluation.vehicles_used == 1
    assert evaluation.served == 2
    assert [s.load for s in route.stops] == [(0,), (4,), (9,), (5,), (0,), (0,)]


def test_unassigned_jobs_are_accounted() -> None:
    """Serving a and listing b unassigned is complete; forgetting b is not."""
    problem = two_jobs_one_bus()
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    assert check(problem, _solution(problem, route, unassigned=("b",))) == []
    violations = check(problem, _solution(problem, route))
    assert [(v.kind, v.job_id) for v in violations] == [(ViolationKind.MISSING_JOB, "b")]
    both = check(problem, _solution(problem, route, unassigned=("a", "b")))
    assert [v.kind for v in both] == [ViolationKind.DUPLICATE_JOB]


def test_rejects_time_window() -> None:
    """b must be picked up by minute 15, but the bus only reaches km 20 at minute 20."""
    problem = two_jobs_one_bus(pickup_window=TimeWindow(0, 15 * 60))
    route = route_from_sequence(problem, "bus1", [(P, "a"), (P, "b"), (D, "a"), (D, "b")])
    violations = check(problem, _solution(problem, route))
    assert [(v.kind, v.job_id, v.stop_index) for v in violations] == [
        (ViolationKind.TIME_WINDOW, "b", 2)
    ]
    assert "outside window [0, 900]" in violations[0].message


def test_rejects_capacity() -> None:
    """With 8 seats, a (4) and b (5) cannot be on board together."""
    base = two_jobs_one_bus()
    problem = dataclasses.replace(base, vehicles=(bus("bus1", 8),))
    route = route_from_sequence(problem, "bus1", [(P, "a"), (P, "b"), (D, "a"), (D, "b")])
    violations = check(problem, _solution(problem, route))
    assert [(v.kind, v.stop_index) for v in violations] == [(ViolationKind.CAPACITY, 2)]
    assert "load 9 exceeds capacity 8" in violations[0].message
    serial = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a"), (P, "b"), (D, "b")])
    assert check(problem, _solution(problem, serial)) == []


def test_rejects_pairing_and_precedence() -> None:
    """A pickup without delivery, and a delivery before its pickup, are both named."""
    problem = two_jobs_one_bus()
    unpaired = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a"), (P, "b")])
    kinds = _kinds(problem, _solution(problem, unpaired))
    assert ViolationKind.PAIRING in kinds
    backwards = route_from_sequence(problem, "bus1", [(D, "a"), (P, "a"), (P, "b"), (D, "b")])
    violations = check(problem, _solution(problem, backwards))
    assert (ViolationKind.PRECEDENCE, "a") in {(v.kind, v.job_id) for v in violations}


def test_rejects_split_job_across_vehicles() -> None:
    """Picking up a on one bus and delivering it with another is a pairing violation."""
    base = two_jobs_one_bus()
    problem = dataclasses.replace(base, vehicles=(bus("bus1"), bus("bus2")))
    one = route_from_sequence(problem, "bus1", [(P, "a"), (P, "b"), (D, "b")])
    two = route_from_sequence(problem, "bus2", [(D, "a")])
    violations = check(problem, _solution(problem, one, two))
    assert {(v.kind, v.vehicle_id) for v in violations if v.kind != "load_mismatch"} == {
        (ViolationKind.PAIRING, "bus1"),
        (ViolationKind.PAIRING, "bus2"),
    }


def test_rejects_ride_time() -> None:
    """a (km 10 → 30) rides on to km 40 with b first: 40 min against a 30 min cap; b rides 20."""
    problem = two_jobs_one_bus(max_ride_s=30 * 60)
    route = route_from_sequence(problem, "bus1", [(P, "a"), (P, "b"), (D, "b"), (D, "a")])
    violations = check(problem, _solution(problem, route))
    assert [(v.kind, v.job_id) for v in violations] == [(ViolationKind.MAX_RIDE, "a")]
    assert "ride of 2400 s exceeds the limit of 1800 s" in violations[0].message


def test_ride_and_shift_limits_are_inclusive() -> None:
    """A ride of exactly ``max_ride_s`` (from the end of pickup service) and a shift of exactly
    ``max_shift_s`` pass; one second less in either limit is a violation of that limit."""
    problem = line_problem(
        [0, 10, 30],
        [job("a", 1, 2, pickup_service_s=120, max_ride_s=20 * 60)],
        [bus("bus1", max_shift_s=3720)],
    )
    sequence = [(P, "a"), (D, "a")]  # out 10 min, service 2, ride 20, back 30: 62 min
    route = route_from_sequence(problem, "bus1", sequence)
    assert (route.stops[2].begin_s - route.stops[1].departure_s, route.duration_s) == (1200, 3720)
    assert check(problem, _solution(problem, route)) == []
    shorter_ride = dataclasses.replace(
        problem, jobs=(dataclasses.replace(problem.jobs[0], max_ride_s=1199),)
    )
    violations = check(shorter_ride, _solution(shorter_ride, route))
    assert [(v.kind, v.job_id) for v in violations] == [(ViolationKind.MAX_RIDE, "a")]
    shorter_shift = dataclasses.replace(problem, vehicles=(bus("bus1", max_shift_s=3719),))
    violations = check(shorter_shift, _solution(shorter_shift, route))
    assert [v.kind for v in violations] == [ViolationKind.MAX_SHIFT]
    assert "shift of 3720 s exceeds the limit of 3719 s" in violations[0].message


def test_rejects_board_key_mix_but_allows_same_key() -> None:
    """Jobs with different board keys may not be on board at once; equal keys may."""
    mixed = line_problem(
        [0, 10, 20, 30, 40],
        [job("a", 1, 3, board_key="x"), job("b", 2, 4, board_key="y")],
        [bus("bus1")],
    )
    seq = [(P, "a"), (P, "b"), (D, "a"), (D, "b")]
    violations = check(mixed, _solution(mixed, route_from_sequence(mixed, "bus1", seq)))
    assert [(v.kind, v.job_id) for v in violations] == [(ViolationKind.BOARD_KEY, "b")]
    same = line_problem(
        [0, 10, 20, 30, 40],
        [job("a", 1, 3, board_key="x"), job("b", 2, 4, board_key="x")],
        [bus("bus1")],
    )
    assert check(same, _solution(same, route_from_sequence(same, "bus1", seq))) == []


def test_rejects_max_onboard_profile_and_allow_list() -> None:
    """A point-to-point truck carrying two bus jobs, one of them reserved for another vehicle."""
    matrix = line_matrix([0, 10, 20, 30, 40])
    problem = Problem(
        matrices={"bus": matrix, "truck": matrix},
        jobs=(job("a", 1, 3), job("b", 2, 4, vehicles=frozenset({"other"}))),
        vehicles=(bus("t1", max_onboard_jobs=1, profile="truck"), bus("other")),
        location_names=("L0", "L1", "L2", "L3", "L4"),
    )
    route = route_from_sequence(problem, "t1", [(P, "a"), (P, "b"), (D, "a"), (D, "b")])
    kinds = [v.kind for v in check(problem, _solution(problem, route))]
    assert kinds.count(ViolationKind.PROFILE) == 2
    assert ViolationKind.NOT_ALLOWED in kinds
    assert ViolationKind.MAX_ONBOARD in kinds


def test_rejects_unreachable_arc() -> None:
    """The arc L1 → L3 does not exist."""
    problem = line_problem([0, 10, 20, 30], [job("a", 1, 3)], [bus("bus1")], unreachable=[(1, 3)])
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    violations = check(problem, _solution(problem, route))
    assert [(v.kind, v.stop_index) for v in violations] == [(ViolationKind.UNREACHABLE_ARC, 2)]


def test_rejects_impossible_times_and_shift() -> None:
    """Arriving faster than driving allows, leaving before service ends, overlong shifts."""
    problem = line_problem(
        [0, 10, 30],
        [job("a", 1, 2, pickup_service_s=120)],
        [bus("bus1", shift=TimeWindow(0, 4000), max_shift_s=3720)],
    )
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    assert check(problem, _solution(problem, route)) == []  # 10 + 2 + 20 + 30 min = 3720 s
    fast = _retime(route, 2, arrival_s=route.stops[2].arrival_s - 60)
    assert ViolationKind.TRAVEL_TIME in _kinds(problem, _solution(problem, fast))
    rushed = _retime(route, 1, departure_s=route.stops[1].begin_s + 60)
    assert ViolationKind.SERVICE_TIME in _kinds(problem, _solution(problem, rushed))
    tight = dataclasses.replace(
        problem, vehicles=(bus("bus1", shift=TimeWindow(0, 3000), max_shift_s=2000),)
    )
    kinds = _kinds(tight, _solution(tight, route_from_sequence(tight, "bus1", route_seq(route))))
    assert {ViolationKind.SHIFT_WINDOW, ViolationKind.MAX_SHIFT} <= kinds


def route_seq(route: Route) -> list[tuple[StopKind, str]]:
    """The job stops of a route as a sequence."""
    return [(s.kind, s.job_id) for s in route.stops[1:-1] if s.job_id is not None]


def test_rejects_wrong_endpoints_and_loads() -> None:
    """A route must start and end at its vehicle's depot, and report true loads."""
    problem = two_jobs_one_bus()
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    bad_start = _retime(route, 0, location=2)
    assert _kinds(problem, _solution(problem, bad_start, unassigned=("b",))) == {
        ViolationKind.ROUTE_ENDPOINTS
    }
    stops = list(route.stops)
    stops[1] = Stop(P, 1, "a", stops[1].arrival_s, stops[1].begin_s, stops[1].departure_s, (3,))
    wrong_load = dataclasses.replace(route, stops=tuple(stops))
    assert ViolationKind.LOAD_MISMATCH in _kinds(
        problem, _solution(problem, wrong_load, unassigned=("b",))
    )


def test_assert_feasible_raises_with_every_violation() -> None:
    """The error lists the violations found."""
    problem = two_jobs_one_bus()
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    with pytest.raises(InfeasibleSolutionError, match=r"missing_job .*neither served"):
        assert_feasible(problem, _solution(problem, route))


def test_metric_mismatch_and_unknown_vehicle() -> None:
    """Reported distance must match the matrix; routes of unknown vehicles are rejected."""
    problem = two_jobs_one_bus()
    route = route_from_sequence(problem, "bus1", [(P, "a"), (D, "a")])
    lying = dataclasses.replace(route, distance_m=1)
    assert _kinds(problem, _solution(problem, lying, unassigned=("b",))) == {
        ViolationKind.METRIC_MISMATCH
    }
    ghost = dataclasses.replace(route, vehicle_id="ghost")
    evaluation = evaluate(problem, _solution(problem, ghost, unassigned=("b",)))
    assert {v.kind for v in evaluation.violations} == {
        ViolationKind.UNKNOWN_VEHICLE,
        ViolationKind.MISSING_JOB,
    }
