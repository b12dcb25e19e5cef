"""Tests for bench.darp_rescore: Cordeau's rules re-checked in real numbers."""

from __future__ import annotations

import dataclasses
import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bench.darp import CordeauInstance, read_cordeau
from bench.darp_rescore import rescore
from routing.vrp.checker import ViolationKind, check, route_from_sequence
from routing.vrp.problem import Route, Solution, StopKind
from routing.vrp.schedule import Visit, build_route
from tests.paths import DATA

P, D = StopKind.PICKUP, StopKind.DELIVERY
OPTIMUM = [(P, "1"), (P, "2"), (D, "1"), (D, "2")]  # darp2: 80 long, rides 22, lasts 88


@pytest.fixture
def darp2() -> CordeauInstance:
    """Two users on a line whose optimal route meets L = 22 and T = 88 exactly."""
    return read_cordeau(DATA / "bench" / "darp2.txt")


def solution_of(cordeau: CordeauInstance, *routes: list[tuple[StopKind, str]]) -> Solution:
    """The stop sequences driven on v0, v1, … of the instance, each stop begun earliest."""
    problem = cordeau.to_instance().problem
    timed = tuple(
        route_from_sequence(problem, problem.vehicles[k % 2].vehicle_id, seq)
        for k, seq in enumerate(routes)
    )
    served = {job_id for seq in routes for _, job_id in seq}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in served)
    return Solution(timed, unassigned, objective=0, wall_time_s=0.0)


def kinds(cordeau: CordeauInstance, solution: Solution) -> list[tuple[ViolationKind, str | None]]:
    """(kind, user) of every violation the re-scorer finds."""
    return [(v.kind, v.job_id) for v in rescore(cordeau, solution).violations]


def test_optimum_meets_ride_and_duration_limits_exactly(darp2: CordeauInstance) -> None:
    """Rides of exactly L and a route of exactly T are feasible; the cost is the optimum.

    The ride is measured from the end of pickup service: 22, not the 24 that would break L
    if the pickup's 2 minutes of service counted."""
    score = rescore(darp2, solution_of(darp2, OPTIMUM))
    assert score.violations == ()
    assert score.feasible
    assert (score.cost, score.vehicles, score.served) == (80.0, 1, 2)
    assert (score.max_ride, score.max_duration) == (22.0, 88.0)


def test_rejects_a_ride_over_the_limit(darp2: CordeauInstance) -> None:
    """With L a thousandth below 22 both users ride too long, each named."""
    tighter = dataclasses.replace(darp2, max_ride=21.999)
    score = rescore(tighter, solution_of(darp2, OPTIMUM))
    assert [(v.kind, v.job_id) for v in score.violations] == [
        (ViolationKind.MAX_RIDE, "1"),
        (ViolationKind.MAX_RIDE, "2"),
    ]
    assert "user 1 rides 22.000000, longer than L = 21.999" in str(score.violations[0])


def test_rejects_a_route_over_the_duration_limit(darp2: CordeauInstance) -> None:
    """With T a thousandth below 88 the route is too long."""
    shorter = dataclasses.replace(darp2, max_duration=87.999)
    score = rescore(shorter, solution_of(darp2, OPTIMUM))
    assert [v.kind for v in score.violations] == [ViolationKind.MAX_SHIFT]
    assert "route lasts 88.000000, longer than T = 87.999" in str(score.violations[0])
    assert score.violations[0].stop_index == 5


def test_two_routes_meet_tighter_limits(darp2: CordeauInstance) -> None:
    """P1 D1 and P2 D2 on two vehicles: rides 20, durations 64 and 84, cost 140."""
    tight = dataclasses.replace(darp2, max_ride=21.0, max_duration=87.0, capacity=1)
    score = rescore(tight, solution_of(darp2, OPTIMUM[::2], OPTIMUM[1::2]))
    assert score.violations == ()
    assert (score.cost, score.vehicles, score.max_ride, score.max_duration) == (140, 2, 20, 84)


def test_rejects_capacity_windows_and_travel(darp2: CordeauInstance) -> None:
    """One seat for two users; a delivery window closing before the stop; a stop begun
    before the vehicle can be there."""
    one_seat = dataclasses.replace(darp2, capacity=1)
    assert kinds(one_seat, solution_of(darp2, OPTIMUM)) == [(ViolationKind.CAPACITY, "2")]
    early_close = darp2.window_end.copy()
    early_close[3] = 33.0
    closed = dataclasses.replace(darp2, window_end=early_close)
    assert kinds(closed, solution_of(darp2, OPTIMUM)) == [(ViolationKind.TIME_WINDOW, "1")]
    solution = solution_of(darp2, OPTIMUM)
    stops = list(solution.routes[0].stops)
    stops[3] = dataclasses.replace(stops[3], begin_s=33_000)  # D1 one minute early
    rushed = _with_route(solution, dataclasses.replace(solution.routes[0], stops=tuple(stops)))
    assert kinds(darp2, rushed) == [(ViolationKind.TRAVEL_TIME, "1")]


def test_rejects_depot_times(darp2: CordeauInstance) -> None:
    """Leaving the depot before its window opens is a shift-window violation."""
    late_open = darp2.window_start.copy()
    late_open[0] = 1.0
    opened = dataclasses.replace(darp2, window_start=late_open)
    assert kinds(opened, solution_of(darp2, OPTIMUM)) == [(ViolationKind.SHIFT_WINDOW, None)]


def test_rejects_missing_duplicate_and_unknown_users(darp2: CordeauInstance) -> None:
    """Every user exactly once; stops must name a user of the instance."""
    assert kinds(darp2, solution_of(darp2, OPTIMUM[::2])) == [(ViolationKind.MISSING_JOB, "2")]
    twice = solution_of(darp2, OPTIMUM, OPTIMUM[::2])
    assert (ViolationKind.DUPLICATE_JOB, "1") in kinds(darp2, twice)
    solution = solution_of(darp2, OPTIMUM)
    stops = list(solution.routes[0].stops)
    stops[1] = dataclasses.replace(stops[1], job_id="9")
    stranger = _with_route(solution, dataclasses.replace(solution.routes[0], stops=tuple(stops)))
    found = kinds(darp2, stranger)
    assert (ViolationKind.UNKNOWN_JOB, "9") in found
    assert (ViolationKind.PAIRING, "1") in found  # delivered, never picked up


def test_rejects_more_routes_than_vehicles(darp2: CordeauInstance) -> None:
    """Two routes with a fleet of one."""
    one_bus = dataclasses.replace(darp2, vehicles=1)
    found = kinds(one_bus, solution_of(darp2, OPTIMUM[::2], OPTIMUM[1::2]))
    assert found == [(ViolationKind.FLEET_SIZE, None)]


def _with_route(solution: Solution, route: Route) -> Solution:
    return dataclasses.replace(solution, routes=(route, *solution.routes[1:]))


_user = st.tuples(
    st.integers(-10_000, 10_000),  # coordinates in thousandths, as the shared files have them
    st.integers(-10_000, 10_000),
    st.integers(-10_000, 10_000),
    st.integers(-10_000, 10_000),
    st.integers(0, 30),  # service in tenths of a minute
)


@settings(max_examples=60, deadline=None)
@given(
    users=st.lists(_user, min_size=1, max_size=5),
    order=st.randoms(use_true_random=False),
    ride=st.integers(50, 600),  # L in tenths
)
def test_integer_feasible_timings_are_feasible_in_real_numbers(
    tmp_path_factory: pytest.TempPathFactory,
    users: list[tuple[int, int, int, int, int]],
    order: random.Random,
    ride: int,
) -> None:
    """Whatever the coordinates, service times and ride limit, a route our exact scheduler
    times feasibly on the scaled integer problem passes the real-valued re-check."""
    n = len(users)
    lines = [f"1 {n} 480 {n} {ride / 10}", "0 0 0 0 0 0 480"]
    for i, (x, y, _, _, s) in enumerate(users, start=1):
        lines.append(f"{i} {x / 1000} {y / 1000} {s / 10} 1 0 1440")
    for i, (_, _, x, y, s) in enumerate(users, start=1):
        lines.append(f"{n + i} {x / 1000} {y / 1000} {s / 10} -1 0 1440")
    lines.append(f"{2 * n + 1} 0 0 0 0 0 480")
    path: Path = tmp_path_factory.mktemp("darp") / "t.txt"
    path.write_text("\n".join(lines) + "\n")
    cordeau = read_cordeau(path)
    problem = cordeau.to_instance().problem
    tokens = [j for j in problem.jobs for _ in range(2)]
    order.shuffle(tokens)
    seen: set[str] = set()
    visits = []
    for job in tokens:  # first occurrence is the pickup, second the delivery
        visits.append(Visit(job, job.job_id not in seen))
        seen.add(job.job_id)
    route = build_route(problem, problem.vehicles[0], visits)
    assume(route is not None)
    assert route is not None
    solution = Solution((route,), (), objective=0, wall_time_s=0.0)
    assert check(problem, solution) == []
    score = rescore(cordeau, solution)
    assert score.violations == ()
    assert score.cost == pytest.approx(
        sum(np.hypot(*(cordeau.coords[a] - cordeau.coords[b])) for a, b in _arcs(route))
    )


def _arcs(route: Route) -> list[tuple[int, int]]:
    locations = [s.location for s in route.stops]
    return list(itertools.pairwise(locations))
