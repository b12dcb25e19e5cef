"""Tests for routing.vrp.backends.ejection (route elimination with an ejection pool)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from routing.vrp.backends.ejection import EjectionPool, PlannedRoute, eliminate_routes
from routing.vrp.budget import Budget
from routing.vrp.checker import assert_feasible
from routing.vrp.problem import Job, Problem, Solution, TimeWindow
from routing.vrp.schedule import Visit, build_route
from tests.pdptw_cases import bus, job, line_problem


def _alone(problem: Problem) -> list[PlannedRoute]:
    """One route per job, on vehicles 0, 1, … in job order."""
    return [PlannedRoute(k, (Visit(j, True), Visit(j, False))) for k, j in enumerate(problem.jobs)]


def _solution(problem: Problem, plan: Sequence[PlannedRoute]) -> Solution:
    routes = []
    for planned in plan:
        route = build_route(problem, problem.vehicles[planned.vehicle], planned.visits)
        assert route is not None, f"route of vehicle {planned.vehicle} has no timing"
        routes.append(route)
    return Solution.of(problem, routes, wall_time_s=0.0)


def _together(problem: Problem, *names: str) -> tuple[Visit, ...]:
    """The jobs ``names`` picked up one after the other, then delivered in the same order."""
    jobs = {j.job_id: j for j in problem.jobs}
    return tuple(Visit(jobs[n], True) for n in names) + tuple(Visit(jobs[n], False) for n in names)


def _eliminate(problem: Problem, plan: Sequence[PlannedRoute], seed: int = 0) -> Solution:
    found = eliminate_routes(problem, problem.jobs, plan, Budget(10.0, 2000), seed=seed)
    solution = _solution(problem, found.plan)
    assert_feasible(problem, solution)
    assert solution.unassigned == ()
    return solution


def three_compatible_jobs() -> Problem:
    """Three 3-seat jobs from km 10 to km 20 (one 10-seat bus each at km 0): one bus can carry
    all three at once, 40 km."""
    return line_problem(
        [0, 10, 20],
        [job(name, 1, 2, 3) for name in "abc"],
        [bus(f"bus{k}", 10) for k in range(3)],
    )


def test_merges_routes_that_fit_together() -> None:
    """Three routes of one job each become one route of 40 km."""
    solution = _eliminate(three_compatible_jobs(), _alone(three_compatible_jobs()))
    assert len(solution.routes) == 1
    assert solution.routes[0].distance_m == 40_000


def test_stops_at_the_fewest_routes_it_is_told() -> None:
    """Told that any plan needs two routes, the pool eliminates one of the three and stops."""
    problem = three_compatible_jobs()
    found = eliminate_routes(problem, problem.jobs, _alone(problem), Budget(10.0, 2000), fewest=2)
    assert len(found.plan) == 2


def test_capacity_keeps_routes_apart() -> None:
    """6-seat jobs on 10-seat buses ride one at a time: the three jobs chained on one bus
    (depot -> 10 -> 20 -> 10 -> 20 -> 10 -> 20 -> depot) when time allows."""
    problem = line_problem(
        [0, 10, 20],
        [job(name, 1, 2, 6) for name in "abc"],
        [bus(f"bus{k}", 10) for k in range(3)],
    )
    solution = _eliminate(problem, _alone(problem))
    assert len(solution.routes) == 1
    assert max(s.load[0] for s in solution.routes[0].stops) == 6


def test_time_windows_keep_routes_apart() -> None:
    """Two 6-seat jobs that must both be picked up at 08:00 at km 10: two buses stay."""
    eight = TimeWindow(8 * 3600, 8 * 3600)
    problem = line_problem(
        [0, 10, 20],
        [job(name, 1, 2, 6, pickup_window=eight) for name in "ab"],
        [bus(f"bus{k}", 10) for k in range(2)],
    )
    solution = _eliminate(problem, _alone(problem))
    assert len(solution.routes) == 2


def test_depot_loaded_vrptw() -> None:
    """Customers loaded at the depot (VRPTW): three 3-unit customers fit one 10-unit bus."""
    problem = line_problem(
        [0, 10, 20, 30],
        [job(f"c{k}", 0, k, 3) for k in (1, 2, 3)],
        [bus(f"bus{k}", 10) for k in range(3)],
    )
    solution = _eliminate(problem, _alone(problem))
    assert len(solution.routes) == 1
    assert solution.routes[0].distance_m == 60_000


def test_ejection_makes_room() -> None:
    """Everyone boards at km 10 at 08:00 sharp for km 20, on 10-seat buses: bus 0 carries
    ``a`` (6) and ``b`` (3), bus 1 ``c`` (4), bus 2 ``d`` (3) and ``e`` (4). Emptying bus 1,
    ``c`` fits on neither other bus (13 and 11 seats); ejecting ``b`` from bus 0 makes room
    (``a`` + ``c`` = 10) and ``b`` then joins bus 2 (10): two buses, the fewest possible.
    """
    eight = TimeWindow(8 * 3600, 8 * 3600)
    seats = {"a": 6, "b": 3, "c": 4, "d": 3, "e": 4}
    problem = line_problem(
        [0, 10, 20],
        [job(name, 1, 2, n, pickup_window=eight) for name, n in seats.items()],
        [bus(f"bus{k}", 10) for k in range(3)],
    )
    start = [
        PlannedRoute(0, _together(problem, "a", "b")),
        PlannedRoute(1, _together(problem, "c")),
        PlannedRoute(2, _together(problem, "d", "e")),
    ]
    solution = _eliminate(problem, start)
    assert len(solution.routes) == 2


def test_same_seed_same_plan() -> None:
    """With an effort budget the plan is a function of the seed."""
    problem = _random_problem(3, 8)
    plans = [
        eliminate_routes(problem, problem.jobs, _alone(problem), Budget(30.0, 300), seed=5)
        for _ in range(2)
    ]
    assert plans[0] == plans[1]


def _brute_force(problem: Problem, route: list[Visit], new: Job) -> int | None:
    """Least added distance of ``new`` over every pickup/delivery position (checked by
    ``build_route`` and the loads), or None."""
    vehicle = problem.vehicles[0]
    base = build_route(problem, vehicle, route)
    assert base is not None
    best: int | None = None
    for i, j in itertools.combinations_with_replacement(range(len(route) + 1), 2):
        trial = [*route[:i], Visit(new, True), *route[i:j], Visit(new, False), *route[j:]]
        timed = build_route(problem, vehicle, trial)
        if timed is None or any(s.load[0] > vehicle.capacity[0] for s in timed.stops):
            continue
        added = timed.distance_m - base.distance_m
        best = added if best is None else min(best, added)
    return best


def _random_problem(seed: int, n_jobs: int) -> Problem:
    """Jobs between random points of a 60 km line with random windows; 4-seat buses."""
    rng = random.Random(seed)
    xs = [0] + [rng.randrange(0, 60) for _ in range(2 * n_jobs)]
    jobs = []
    for k in range(n_jobs):
        open_ = rng.randrange(6 * 3600, 12 * 3600)
        width = rng.choice([1800, 3600, 4 * 3600])
        late = open_ + width + 3 * 3600
        jobs.append(
            job(
                f"j{k}",
                1 + 2 * k,
                2 + 2 * k,
                rng.randint(1, 3),
                pickup_window=TimeWindow(open_, open_ + width),
                delivery_window=TimeWindow(open_, late),
                pickup_service_s=rng.choice([0, 60]),
                delivery_service_s=rng.choice([0, 120]),
            )
        )
    return line_problem(xs, jobs, [bus(f"bus{k}", 4) for k in range(n_jobs)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(1, 4))
def test_best_insertion_matches_brute_force(seed: int, size: int) -> None:
    """The slack-based insertion finds the same least added distance as trying every
    position with the exact scheduler, and says None exactly when no position works."""
    problem = _random_problem(seed, size + 1)
    *onboard, new = problem.jobs
    route: list[Visit] = []
    for j in onboard:  # a feasible route: jobs one after the other where they fit
        trial = [*route, Visit(j, True), Visit(j, False)]
        if build_route(problem, problem.vehicles[0], trial) is not None:
            route = trial
    pool = EjectionPool(problem, problem.jobs, [PlannedRoute(0, tuple(route))])
    found = pool.best_insertion(pool.routes[0], len(onboard))
    expected = _brute_force(problem, route, new)
    assert (None if found is None else found[0]) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_jobs=st.integers(2, 9))
def test_random_problems_stay_feasible_and_complete(seed: int, n_jobs: int) -> None:
    """From one route per job, every plan it returns passes the checker, serves every job
    and has no more routes."""
    problem = _random_problem(seed, n_jobs)
    start = [
        p for p in _alone(problem) if build_route(problem, problem.vehicles[p.vehicle], p.visits)
    ]
    assume(len(start) == n_jobs)  # every job can be served alone
    solution = _eliminate(problem, start, seed=seed)
    assert len(solution.routes) <= n_jobs


def test_failed_attempt_reports_how_close_it_came() -> None:
    """Two jobs that must both start at 08:00 with 6 seats each on 10-seat buses cannot
    share one: the plan keeps two routes and the closest attempt is one route missing one
    job, every route of it still feasible."""
    eight = TimeWindow(8 * 3600, 8 * 3600)
    problem = line_problem(
        [0, 10, 20],
        [job(name, 1, 2, 6, pickup_window=eight) for name in "ab"],
        [bus(f"bus{k}", 10) for k in range(2)],
    )
    found = eliminate_routes(problem, problem.jobs, _alone(problem), Budget(10.0, 200))
    assert len(found.plan) == 2
    assert len(found.partial) == 1
    assert len(found.missing) == 1
    partial = _solution(problem, found.partial)
    assert partial.unassigned == tuple(j.job_id for j in found.missing)


def test_a_job_no_ejection_can_place_waits_for_the_routes_to_move() -> None:
    """``z`` must be picked up at km 50 at 08:00, while both other buses pick up three 1-seat
    jobs at km 10 at 08:00: no ejection of one or two jobs makes room for ``z`` on either.
    Relocations between the two buses (ten seats each) can leave one of them with two jobs,
    whose ejection makes room; the pool gets there instead of testing the same routes again
    and again, and ends with two buses."""
    eight = TimeWindow(8 * 3600, 8 * 3600)
    problem = line_problem(
        [0, 10, 20, 50, 60],
        [job(name, 1, 2, 1, pickup_window=eight) for name in "abcdef"]
        + [job("z", 3, 4, 1, pickup_window=eight)],
        [bus(f"bus{k}", 10) for k in range(3)],
    )
    start = [
        PlannedRoute(0, _together(problem, "a", "b", "c")),
        PlannedRoute(1, _together(problem, "d", "e", "f")),
        PlannedRoute(2, _together(problem, "z")),
    ]
    pool = EjectionPool(problem, problem.jobs, start)
    emptied, _ = pool.empty(2, steps=200, deadline=float("inf"))
    assert emptied
    assert pool.stuck > 0
    assert all(pool.feasible(route) for route in pool.routes)
    pool.drop(2)
    solution = _solution(problem, pool.plan())
    assert_feasible(problem, solution)
    assert len(solution.routes) == 2
