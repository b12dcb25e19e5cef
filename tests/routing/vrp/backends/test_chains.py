"""Tests for routing.vrp.backends.chains: trip chaining for vehicles that carry one job at a
time."""

from __future__ import annotations

import numpy as np
import pytest

from routing.vrp import solve
from routing.vrp.backends.chains import solve_chains
from routing.vrp.checker import check
from routing.vrp.features import chainable
from routing.vrp.problem import Problem, Solution, SolveParams, TimeWindow, WarmStart
from tests.pdptw_cases import bus, job, line_problem

HOUR = 3600
PARAMS = SolveParams(time_limit_s=20.0, seed=1, effort=50)


def at(hour: float) -> TimeWindow:
    """A pickup window that opens and closes at ``hour`` (to the second)."""
    return TimeWindow(int(hour * HOUR), int(hour * HOUR))


def coach(vehicle_id: str, capacity: int = 10, depot: int = 0, **options: object) -> object:
    """A point-to-point vehicle (``max_onboard_jobs = 1``)."""
    return bus(vehicle_id, capacity, depot, max_onboard_jobs=1, **options)


def served_by(solution: Solution) -> dict[str, list[str]]:
    """Job ids per vehicle in driving order (each job once, at its pickup)."""
    return {
        r.vehicle_id: [s.job_id for s in r.stops if s.job_id and s.kind == "pickup"]
        for r in solution.routes
    }


def three_trips_in_a_row() -> Problem:
    """Depot at km 0, places at km 10, 20, 30 (one minute per km); trips a (L1 → L2, 01:00),
    b (L2 → L3, 02:00), c (L3 → L1, 03:00), 10 and 20 minutes' ride: one bus drives all."""
    return line_problem(
        [0, 10, 20, 30],
        [
            job("c", 3, 1, 4, pickup_window=at(3)),
            job("a", 1, 2, 4, pickup_window=at(1)),
            job("b", 2, 3, 4, pickup_window=at(2)),
        ],
        [coach("bus1"), coach("bus2")],  # type: ignore[list-item]
        vehicle_weight=10**6,
    )


def near_bus_with_a_short_day() -> Problem:
    """Trips t0 (01:00) and t1 (05:00), both L1 (km 10) → L2 (km 20). Bus ``near`` (depot
    km 0) works until 03:00, bus ``far`` (depot km 40) all day. Construction gives t0 to the
    nearer bus and must open ``far`` for t1; route elimination moves t0 to ``far`` (30 min
    from its depot to L1, back by 05:00 easily): one bus."""
    return line_problem(
        [0, 10, 20, 30, 40],
        [job("t0", 1, 2, 2, pickup_window=at(1)), job("t1", 1, 2, 2, pickup_window=at(5))],
        [
            coach("near", shift=TimeWindow(0, 3 * HOUR)),  # type: ignore[list-item]
            coach("far", depot=4),  # type: ignore[list-item]
        ],
        vehicle_weight=10**6,
    )


def test_chainable_needs_one_job_on_board() -> None:
    """Vehicles without ``max_onboard_jobs = 1`` are not for trip chaining."""
    assert chainable(three_trips_in_a_row())
    shared = line_problem([0, 10], [job("a", 0, 1)], [bus("b1")])
    assert not chainable(shared)
    with pytest.raises(ValueError, match="one job at a time"):
        solve_chains(shared, PARAMS)


def test_one_bus_chains_three_trips() -> None:
    """The three trips follow each other on one bus in time order, and the plan checks out."""
    problem = three_trips_in_a_row()
    solution = solve_chains(problem, PARAMS)
    assert list(served_by(solution).values()) == [["a", "b", "c"]]
    assert solution.unassigned == ()
    assert check(problem, solution) == []
    route = solution.routes[0]
    assert route.stops[1].begin_s == HOUR  # boards a at 01:00
    assert route.distance_m == (10 + 10 + 10 + 20 + 10) * 1000  # to L1, a, b, c, home


def test_solver_sends_point_to_point_problems_to_chaining() -> None:
    """``routing.vrp.solver`` uses trip chaining for a chainable problem."""
    solution = solve(three_trips_in_a_row(), PARAMS)
    assert solution.status.startswith("chains:")
    assert len(solution.routes) == 1


def test_route_elimination_removes_the_extra_bus() -> None:
    """The short-day bus's trip moves to the all-day bus: one bus, ``far``, does both."""
    problem = near_bus_with_a_short_day()
    solution = solve_chains(problem, PARAMS)
    assert served_by(solution) == {"far": ["t0", "t1"]}
    assert check(problem, solution) == []


def test_without_effort_an_elimination_attempt_is_bounded_by_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A time limit only: an attempt may take its share of the search time left, not a fixed
    count of pool iterations (none at all here), so the extra bus still goes."""
    monkeypatch.setattr("routing.vrp.backends.chains.MIN_ATTEMPT", 0)
    problem = near_bus_with_a_short_day()
    solution = solve_chains(problem, SolveParams(time_limit_s=5.0, seed=1))
    assert served_by(solution) == {"far": ["t0", "t1"]}
    assert check(problem, solution) == []


def test_shift_limit_is_respected() -> None:
    """Trips at 01:00 and 10:00 under a 4-hour shift limit need two buses."""
    problem = line_problem(
        [0, 10, 20],
        [job("early", 1, 2, 1, pickup_window=at(1)), job("late", 1, 2, 1, pickup_window=at(10))],
        [coach("b1", max_shift_s=4 * HOUR), coach("b2", max_shift_s=4 * HOUR)],  # type: ignore[list-item]
        vehicle_weight=10**6,
    )
    solution = solve_chains(problem, PARAMS)
    assert sorted(len(r.stops) for r in solution.routes) == [4, 4]
    assert all(r.duration_s <= 4 * HOUR for r in solution.routes)
    assert check(problem, solution) == []


def test_unservable_jobs_are_left_unassigned() -> None:
    """A group larger than every bus and a trip after every shift stay unassigned."""
    problem = line_problem(
        [0, 10, 20],
        [
            job("fits", 1, 2, 5, pickup_window=at(1)),
            job("too_big", 1, 2, 11, pickup_window=at(2)),
            job("too_late", 1, 2, 5, pickup_window=at(9)),
        ],
        [coach("b1", shift=TimeWindow(0, 8 * HOUR))],  # type: ignore[list-item]
    )
    solution = solve_chains(problem, PARAMS)
    assert solution.unassigned == ("too_big", "too_late")
    assert served_by(solution) == {"b1": ["fits"]}


def test_rescue_swaps_a_small_group_to_the_small_bus() -> None:
    """Both trips overlap in time. The small group (3) is placed first, on the big bus near
    its depot; the big group (8) fits only the big bus, so the small group must move to the
    small bus far away for both to be served."""
    problem = line_problem(
        [0, 10, 20, 30, 40],
        [
            job("small", 1, 2, 3, pickup_window=TimeWindow(HOUR, HOUR)),
            job("big", 1, 3, 8, pickup_window=TimeWindow(HOUR + 60, HOUR + 60)),
        ],
        [coach("big_bus", 10), coach("small_bus", 5, depot=4)],  # type: ignore[list-item]
        vehicle_weight=10**6,
    )
    solution = solve_chains(problem, PARAMS)
    assert solution.unassigned == ()
    assert served_by(solution) == {"big_bus": ["big"], "small_bus": ["small"]}


def random_day(seed: int) -> Problem:
    """40 trips on 12 places over a day, 10 buses from two depots (a reproducibility case)."""
    rng = np.random.default_rng(seed)
    xs = rng.integers(0, 60, size=12).tolist()
    jobs = []
    for i in range(40):
        pickup, delivery = (int(x) for x in rng.choice(np.arange(2, 12), 2, replace=False))
        opens = int(rng.integers(5 * HOUR, 20 * HOUR))
        jobs.append(
            job(
                f"j{i}",
                pickup,
                delivery,
                int(rng.integers(1, 9)),
                pickup_window=TimeWindow(opens, opens + 1800),
            )
        )
    vehicles = [coach(f"v{i}", 8, depot=i % 2, max_shift_s=10 * HOUR) for i in range(10)]
    return line_problem(xs, jobs, vehicles, vehicle_weight=10**6)  # type: ignore[arg-type]


def test_same_seed_gives_the_same_answer() -> None:
    """Two runs with seed 1 and an effort budget return identical routes."""
    problem = random_day(5)
    first, second = solve_chains(problem, PARAMS), solve_chains(problem, PARAMS)
    assert first.routes == second.routes and first.unassigned == second.unassigned
    assert check(problem, first) == []
    assert len(first.routes) < 10


# --------------------------------------------------------------------------- warm start


def test_warm_start_keeps_its_routes_where_elimination_would_merge_them() -> None:
    """``near_bus_with_a_short_day`` solved from scratch uses one bus; started from t0 on
    ``near`` and t1 on ``far`` it keeps both (a warm start never eliminates routes), and the
    answer passes the checker."""
    problem = near_bus_with_a_short_day()
    assert len(solve_chains(problem, PARAMS).routes) == 1
    start = WarmStart({"near": (("t0",),), "far": (("t1",),)})
    solution = solve_chains(problem, PARAMS, start=start)
    assert served_by(solution) == {"near": ["t0"], "far": ["t1"]}
    assert check(problem, solution) == []


def test_warm_start_places_a_trip_that_no_longer_fits() -> None:
    """A warm start that puts t1 (05:00) on ``near`` (back by 03:00) cannot keep it there:
    t1 is placed on ``far`` and nothing is lost."""
    problem = near_bus_with_a_short_day()
    start = WarmStart({"near": (("t0",), ("t1",))})
    solution = solve_chains(problem, PARAMS, start=start)
    assert served_by(solution) == {"near": ["t0"], "far": ["t1"]}
    assert not solution.unassigned


def test_a_vehicle_in_service_takes_work_before_an_idle_one() -> None:
    """With nothing to start from, t1 would open the nearer of two idle buses; a bus in
    service (``far``, used earlier in the day) takes it first although it drives further."""
    problem = line_problem(
        [0, 10, 20, 30, 40],
        [job("t1", 1, 2, 2, pickup_window=at(5))],
        [coach("near"), coach("far", depot=4)],  # type: ignore[list-item]
        vehicle_weight=10**6,
    )
    assert served_by(solve_chains(problem, PARAMS)) == {"near": ["t1"]}
    start = WarmStart({}, in_service=frozenset({"far"}))
    assert served_by(solve_chains(problem, PARAMS, start=start)) == {"far": ["t1"]}


def test_the_front_door_passes_the_warm_start_to_chains() -> None:
    """``routing.vrp.solve(..., start=…)`` keeps the warm start's two routes."""
    problem = near_bus_with_a_short_day()
    start = WarmStart({"near": (("t0",),), "far": (("t1",),)})
    assert served_by(solve(problem, PARAMS, start=start)) == {"near": ["t0"], "far": ["t1"]}


@pytest.mark.parametrize(
    ("start", "match"),
    [
        (WarmStart({"nobody": (("t0",),)}), "unknown vehicle"),
        (WarmStart({"near": (("t9",),)}), "unknown job"),
        (WarmStart({"near": (("t0",),), "far": (("t0",),)}), "appears twice"),
        (WarmStart({"near": (("t0", "t1"),)}), "need pooling"),
    ],
)
def test_a_bad_warm_start_is_refused(start: WarmStart, match: str) -> None:
    """Unknown ids, a job twice, and several jobs in one trip without pooling."""
    with pytest.raises(ValueError, match=match):
        solve_chains(near_bus_with_a_short_day(), PARAMS, start=start)
