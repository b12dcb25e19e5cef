"""Tests for routing.vrp.schedule: timing a fixed sequence of stops."""

from __future__ import annotations

from routing.vrp.problem import TimeWindow
from routing.vrp.schedule import Visit, build_route
from tests.pdptw_cases import bus, job, line_problem

HOUR = 3600


def one_trip_at_ten() -> tuple[object, object]:
    """Depot km 0, a pickup at km 10 from 10:00 (window to 12:00), delivery at km 20."""
    problem = line_problem(
        [0, 10, 20],
        [job("a", 1, 2, pickup_window=TimeWindow(10 * HOUR, 12 * HOUR))],
        [bus("b1")],
    )
    visits = [Visit(problem.jobs[0], True), Visit(problem.jobs[0], False)]
    return problem, visits


def test_the_shortest_shift_leaves_as_late_as_the_trip_allows() -> None:
    """By default the bus leaves at 09:50 to board at 10:00 (no wait)."""
    problem, visits = one_trip_at_ten()
    route = build_route(problem, problem.vehicles[0], visits)  # type: ignore[attr-defined, arg-type]
    assert route is not None
    assert route.stops[0].departure_s == 10 * HOUR - 600
    assert route.stops[1].begin_s == 10 * HOUR


def test_early_timing_leaves_when_the_shift_starts() -> None:
    """``shortest_shift=False``: every time as early as it can be — the bus leaves at the
    start of its shift (00:00) and waits at the pickup, which still begins at 10:00."""
    problem, visits = one_trip_at_ten()
    route = build_route(problem, problem.vehicles[0], visits, shortest_shift=False)  # type: ignore[attr-defined, arg-type]
    assert route is not None
    assert route.stops[0].departure_s == 0
    assert route.stops[1].arrival_s == 600
    assert route.stops[1].begin_s == 10 * HOUR
