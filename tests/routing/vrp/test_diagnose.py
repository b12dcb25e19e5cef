"""Tests for routing.vrp.diagnose: each unserved job gets the specific reason, with the numbers."""

from __future__ import annotations

import dataclasses

import pytest

from routing.vrp.checker import route_from_sequence
from routing.vrp.diagnose import explain
from routing.vrp.problem import Problem, Solution, StopKind, TimeWindow
from routing.vrp.servability import Reason, ReasonCode, clock, servable
from tests.pdptw_cases import bus, job, line_problem

H = 3600
P, D = StopKind.PICKUP, StopKind.DELIVERY
SHIFT = TimeWindow(6 * H, 18 * H)


def _unserved(problem: Problem, *routes: tuple[str, list[tuple[StopKind, str]]]) -> Solution:
    """A hand-made solution driving ``routes``; every other job unassigned."""
    built = tuple(route_from_sequence(problem, vid, seq) for vid, seq in routes)
    served = {job_id for _, seq in routes for _, job_id in seq}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in served)
    return Solution(built, unassigned, objective=0, wall_time_s=0.0)


def _reason(problem: Problem, job_id: str = "a") -> Reason:
    return explain(problem, _unserved(problem))[job_id]


def corridor(*jobs: object, **bus_options: object) -> Problem:
    """Depot at km 0, station at km 10, plant at km 30; one 26-seat bus on a 06:00–18:00 shift."""
    options = {"shift": SHIFT, **bus_options}
    return line_problem([0, 10, 30], list(jobs), [bus("bus1", 26, **options)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("problem", "code", "detail"),
    [
        (
            corridor(job("a", 1, 2, profile="truck")),
            ReasonCode.NO_VEHICLE_PROFILE,
            "needs a truck; the fleet has bus",
        ),
        (
            corridor(job("a", 1, 2, vehicles=frozenset({"ghost"}))),
            ReasonCode.NOT_ALLOWED_VEHICLE,
            "may only use ghost, none of which is a bus in the fleet",
        ),
        (
            corridor(job("a", 1, 2, 28)),
            ReasonCode.NO_VEHICLE_LARGE_ENOUGH,
            "needs 28; the largest permitted bus carries 26",
        ),
        (
            corridor(job("a", 1, 2, max_ride_s=15 * 60)),
            ReasonCode.RIDE_TOO_LONG,
            "the direct ride takes 20 min, longer than the limit of 15 min",
        ),
        (
            corridor(job("a", 1, 2, pickup_window=TimeWindow(3 * H, 4 * H))),
            ReasonCode.OUTSIDE_ALL_SHIFTS,
            "pickup 03:00–04:00 and delivery from 00:00 fall outside the shift 06:00–18:00",
        ),
        (
            corridor(job("a", 1, 2, pickup_window=TimeWindow(5 * H, 6 * H + 300))),
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            "from its depot at 06:00 a bus reaches L1 at 06:10 at the earliest (10 min drive); "
            "the pickup window closes at 06:05",
        ),
        (
            corridor(job("a", 1, 2, delivery_window=TimeWindow(0, 6 * H + 1500))),
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            "picked up at 06:10 at the earliest, it reaches L2 at 06:30 (20 min drive); "
            "the delivery window closes at 06:25",
        ),
        (
            corridor(job("a", 1, 2, pickup_window=TimeWindow(17 * H + 1800, 18 * H))),
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            "after delivering at 17:50 a bus is back at its depot at 18:20, "
            "after its shift ends at 18:00",
        ),
        (
            corridor(job("a", 1, 2), max_shift_s=50 * 60),
            ReasonCode.SHIFT_TOO_SHORT,
            "serving it takes a 60 min shift (depot to depot); shifts are limited to 50 min",
        ),
        (
            corridor(
                job(
                    "a",
                    1,
                    2,
                    pickup_window=TimeWindow(7 * H, 7 * H),
                    delivery_window=TimeWindow(9 * H, 10 * H),
                    max_ride_s=H,
                )
            ),
            ReasonCode.RIDE_TOO_LONG,
            "the delivery window opens at 09:00, so picked up by 07:00 the ride lasts 120 min",
        ),
    ],
    ids=lambda x: x.value if isinstance(x, ReasonCode) else "",
)
def test_reason_when_no_vehicle_can_serve_alone(
    problem: Problem, code: ReasonCode, detail: str
) -> None:
    """Each hand-made job fails exactly one rule; explain names it with the numbers."""
    reason = _reason(problem)
    assert reason.code is code
    assert detail in reason.detail
    assert servable(problem)["a"].vehicles == ()


def test_permitted_capacity_counts_only_allowed_vehicles() -> None:
    """A 30-seat bus exists, but the job may only use the 19-seat one."""
    problem = line_problem(
        [0, 10, 30],
        [job("a", 1, 2, 25, vehicles=frozenset({"small"}))],
        [bus("big", 30), bus("small", 19)],
    )
    assert _reason(problem).detail == "needs 25; the largest permitted bus carries 19"


def test_unreachable_names_the_cut_arcs() -> None:
    """Station → plant has no road; then: the plant cannot be left towards either depot."""
    cut = line_problem([0, 10, 30], [job("a", 1, 2)], [bus("bus1")], unreachable=[(1, 2)])
    reason = _reason(cut)
    assert (reason.code, reason.arcs) == (ReasonCode.UNREACHABLE, ((1, 2),))
    assert reason.detail == "no bus route from L1 to L2"
    stranded = line_problem(
        [0, 10, 30, 40],
        [job("a", 1, 2)],
        [bus("west", depot=0), bus("east", depot=3)],
        unreachable=[(2, 0), (2, 3)],
    )
    reason = _reason(stranded)
    assert (reason.code, reason.arcs) == (ReasonCode.UNREACHABLE, ((2, 0), (2, 3)))
    assert "no route L2 → L0, L2 → L3" in reason.detail


def simultaneous_trips() -> Problem:
    """Two trips both picked up at 07:00 sharp at km 10, point-to-point; two buses.

    Either bus can serve either trip alone, but not both.
    """
    return line_problem(
        [0, 10, 30, 50],
        [
            job("a", 1, 2, pickup_window=TimeWindow(7 * H, 7 * H)),
            job("b", 1, 3, pickup_window=TimeWindow(7 * H, 7 * H)),
            job("c", 1, 3, pickup_window=TimeWindow(7 * H, 7 * H)),
        ],
        [bus("bus1", max_onboard_jobs=1), bus("bus2", max_onboard_jobs=1)],
    )


def test_fleet_exhausted_counts_the_vehicles() -> None:
    """Both buses are busy with a and b at 07:00: c is FLEET_EXHAUSTED, naming both."""
    problem = simultaneous_trips()
    solution = _unserved(problem, ("bus1", [(P, "a"), (D, "a")]), ("bus2", [(P, "b"), (D, "b")]))
    reason = explain(problem, solution)["c"]
    assert reason.code is ReasonCode.FLEET_EXHAUSTED
    assert reason.vehicles == ("bus1", "bus2")
    assert reason.detail.startswith("2 vehicle(s) could serve it alone (bus1, bus2)")


def test_search_limit_when_idle_vehicle_or_room_in_route() -> None:
    """A solution that leaves c out although bus2 is idle, or although a route could take it."""
    problem = simultaneous_trips()
    idle = _unserved(problem, ("bus1", [(P, "a"), (D, "a")]))
    assert explain(problem, idle)["c"].code is ReasonCode.SEARCH_LIMIT
    assert "idle vehicle bus2" in explain(problem, idle)["c"].detail
    relaxed = dataclasses.replace(
        problem,
        jobs=tuple(
            dataclasses.replace(j, pickup_window=TimeWindow(7 * H, 12 * H)) for j in problem.jobs
        ),
    )
    busy = _unserved(relaxed, ("bus1", [(P, "a"), (D, "a")]), ("bus2", [(P, "b"), (D, "b")]))
    reason = explain(relaxed, busy)["c"]
    assert reason.code is ReasonCode.SEARCH_LIMIT
    assert "fits into the route of bus1" in reason.detail


def test_penalty_too_low() -> None:
    """A vehicle costs 1000 but dropping the job costs only 10: the solver drops it, on purpose."""
    from routing.vrp import solve
    from routing.vrp.problem import SolveParams

    problem = dataclasses.replace(corridor(job("a", 1, 2)), vehicle_weight=1000, drop_penalty=10)
    solution = solve(problem, SolveParams(time_limit_s=5, effort=50))
    assert solution.unassigned == ("a",)
    reason = explain(problem, solution)["a"]
    assert reason.code is ReasonCode.PENALTY_TOO_LOW
    assert reason.detail == (
        "idle vehicle bus1 could serve it for 1000 (vehicle and running cost), "
        "more than its drop penalty 10"
    )


def test_explain_covers_exactly_the_unassigned() -> None:
    """Served jobs get no reason; servable lists who could take each job alone."""
    problem = simultaneous_trips()
    solution = _unserved(problem, ("bus1", [(P, "a"), (D, "a")]), ("bus2", [(P, "b"), (D, "b")]))
    assert set(explain(problem, solution)) == {"c"}
    assert servable(problem)["c"].vehicles == (0, 1)


def test_clock_formats_times() -> None:
    """Seconds from midnight print as HH:MM, with a day suffix past midnight."""
    assert clock(6 * H + 300) == "06:05"
    assert clock(25 * H) == "01:00+1d"


def test_reason_needs_detail() -> None:
    """A reason without a detail is refused."""
    with pytest.raises(ValueError, match="needs a detail"):
        Reason(ReasonCode.SEARCH_LIMIT, "")
