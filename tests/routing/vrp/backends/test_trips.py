"""routing.vrp.backends.trips: pooled trips as rigid blocks (windows, ride limits, boarding
order) that the exact schedule accepts, and the savings method that forms them."""

from __future__ import annotations

import numpy as np

from routing.vrp.backends.trips import best_pooled, pooled_trip, savings_pools, single_trip
from routing.vrp.problem import Problem, TimeWindow
from routing.vrp.schedule import build_route
from tests.pdptw_cases import bus, job, line_problem

MINUTE = 60


def station_and_two_factories(**options: object) -> Problem:
    """Depot at km 0, a station at km 10, factories at km 40 and 44 (4 km apart, 30+ km from
    the station); two jobs boarding at the station at 08:00, 10 min boarding each."""
    window = TimeWindow(8 * 3600, 8 * 3600 + 30 * MINUTE)
    jobs = [
        job(
            "a",
            1,
            2,
            3,
            pickup_window=window,
            pickup_service_s=600,
            delivery_service_s=300,
            board_key="s",
            **options,
        ),
        job(
            "b",
            1,
            3,
            4,
            pickup_window=window,
            pickup_service_s=600,
            delivery_service_s=300,
            board_key="s",
            **options,
        ),
    ]
    return line_problem([0, 10, 40, 44], jobs, [bus("bus", 10)])


def arrays(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    matrix = problem.matrices["bus"]
    return matrix.time_s.astype(float), matrix.dist_m.astype(float)


def test_a_pooled_trip_is_a_block_the_exact_schedule_accepts() -> None:
    """a then b: both board (20 min), 30 km to a's factory, unload, 4 km on to b's: the block
    arrives at the last drop 20 + 30 + 5 + 4 = 59 minutes after boarding starts, and the
    exact timing of its stop sequence exists."""
    problem = station_and_two_factories()
    time_s, dist_m = arrays(problem)
    trip = pooled_trip(problem, [0, 1], time_s, dist_m)
    assert trip is not None and trip.pooled
    assert trip.go == (20 + 30 + 5 + 4) * MINUTE
    assert trip.metres == 34_000 and trip.amount == (7,)
    assert (trip.earliest, trip.latest) == (8 * 3600, 8 * 3600 + 20 * MINUTE)
    assert build_route(problem, problem.vehicles[0], trip.visits(problem.jobs)) is not None


def test_a_ride_limit_breaks_the_block() -> None:
    """With 45 minutes' ride at most, whoever is dropped second rides too long (boarding of
    the other, 30 km, an unloading, 4 km)."""
    problem = station_and_two_factories(max_ride_s=45 * MINUTE)
    time_s, dist_m = arrays(problem)
    assert pooled_trip(problem, [0, 1], time_s, dist_m) is None
    assert pooled_trip(problem, [0], time_s, dist_m) is not None


def test_jobs_boarding_elsewhere_do_not_pool() -> None:
    """A job picked up at another place cannot join the block."""
    problem = station_and_two_factories()
    other = line_problem([0, 10, 40, 44], [problem.jobs[0], job("c", 0, 3, 1)], [bus("bus")])
    time_s, dist_m = arrays(other)
    assert pooled_trip(other, [0, 1], time_s, dist_m) is None


def test_the_group_whose_window_closes_first_boards_first() -> None:
    """b's window closes first, so b boards first even though a is dropped first."""
    problem = station_and_two_factories()
    jobs = list(problem.jobs)
    jobs[1] = job(
        "b",
        1,
        3,
        4,
        pickup_window=TimeWindow(8 * 3600, 8 * 3600 + 5 * MINUTE),
        pickup_service_s=600,
        delivery_service_s=300,
        board_key="s",
    )
    problem = line_problem([0, 10, 40, 44], jobs, [bus("bus", 10)])
    time_s, dist_m = arrays(problem)
    trip = pooled_trip(problem, [0, 1], time_s, dist_m)
    assert trip is not None and trip.boarding == (1, 0)
    assert build_route(problem, problem.vehicles[0], trip.visits(problem.jobs)) is not None


def test_best_pooled_drops_where_the_trip_grows_least() -> None:
    """Adding b to a's trip: a then b (on the way) beats b then a (back 4 km)."""
    problem = station_and_two_factories()
    time_s, dist_m = arrays(problem)
    alone = pooled_trip(problem, [0], time_s, dist_m)
    assert alone is not None
    merged = best_pooled(problem, alone, 1, time_s, dist_m)
    assert merged is not None and merged.jobs == (0, 1)


def test_savings_merge_nearby_drops_far_from_the_pickup() -> None:
    """The two factories lie close together and far from the station: one trip; with room for
    five only, the loads of 3 and 4 stay apart."""
    problem = station_and_two_factories()
    time_s, dist_m = arrays(problem)
    merged = savings_pools(problem, [0, 1], time_s, dist_m, capacity=[10])
    assert [t.jobs for t in merged] in ([(0, 1)], [(1, 0)])
    apart = savings_pools(problem, [0, 1], time_s, dist_m, capacity=[5])
    assert sorted(t.jobs for t in apart) == [(0,), (1,)]


def test_a_single_trip_keeps_point_to_point_timing() -> None:
    """One job alone: boarding plus the direct ride, its own windows."""
    problem = station_and_two_factories()
    time_s, _ = arrays(problem)
    trip = single_trip(problem, 0, time_s)
    assert trip.go == (10 + 30) * MINUTE and trip.jobs == (0,) and not trip.pooled
