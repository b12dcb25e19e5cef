"""routing.vrp.repair: jobs the search left out go wherever a vehicle can still take them."""

from __future__ import annotations

import dataclasses

from routing.vrp.checker import check
from routing.vrp.problem import Job, Problem, Solution, TimeWindow
from routing.vrp.repair import insert_unassigned, loads_fit
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import servable
from tests.routing.vrp.test_decompose import line_problem


def point_to_point(problem: Problem) -> Problem:
    """The same problem with one job on board at a time."""
    vehicles = tuple(dataclasses.replace(v, max_onboard_jobs=1) for v in problem.vehicles)
    return dataclasses.replace(problem, vehicles=vehicles)


def test_a_left_out_job_joins_the_route_that_has_room() -> None:
    """Three hourly trips, the middle one left out: it goes between the others."""
    problem = point_to_point(line_problem(3, vehicles=1))
    jobs = {j.job_id: j for j in problem.jobs}
    visits = [Visit(jobs[j], p) for j in ("j0", "j2") for p in (True, False)]
    route = build_route(problem, problem.vehicles[0], visits)
    assert route is not None
    routes = insert_unassigned(problem, [route], ["j1"], servable(problem))
    (repaired,) = routes
    assert [s.job_id for s in repaired.stops[1:-1]] == ["j0", "j0", "j1", "j1", "j2", "j2"]
    assert check(problem, Solution(tuple(routes), (), 0, 0.0)) == []


def test_an_idle_vehicle_takes_what_no_route_can() -> None:
    """Two trips at the same hour, one vehicle busy with the first: the idle one takes the
    second as a new route."""
    base = point_to_point(line_problem(1, vehicles=2))
    first_job = base.jobs[0]
    twin = dataclasses.replace(first_job, job_id="twin")
    problem = dataclasses.replace(base, jobs=(first_job, twin))
    first = build_route(
        problem, problem.vehicles[0], [Visit(first_job, True), Visit(first_job, False)]
    )
    assert first is not None
    routes = insert_unassigned(problem, [first], ["twin"], servable(problem))
    assert sorted(r.vehicle_id for r in routes) == ["V0", "V1"]


def test_nothing_fits_nothing_changes() -> None:
    """One vehicle busy with a trip; its twin cannot be inserted and no vehicle is idle."""
    base = point_to_point(line_problem(1, vehicles=1))
    twin = dataclasses.replace(base.jobs[0], job_id="twin")
    problem = dataclasses.replace(base, jobs=(base.jobs[0], twin))
    job = problem.jobs[0]
    first = build_route(problem, problem.vehicles[0], [Visit(job, True), Visit(job, False)])
    assert first is not None
    assert insert_unassigned(problem, [first], ["twin"], servable(problem)) == [first]


def test_loads_fit_checks_capacity_on_board_limit_and_keys() -> None:
    """Capacity 10: two loads of 5 fit, three do not; one job at a time forbids two; keyed
    jobs on board together must share the key."""
    problem = line_problem(3, vehicles=1)
    a, b, c = problem.jobs
    vehicle = problem.vehicles[0]
    both = [Visit(a, True), Visit(b, True), Visit(a, False), Visit(b, False)]
    assert loads_fit(vehicle, both)
    assert not loads_fit(vehicle, [Visit(a, True), Visit(b, True), Visit(c, True)])
    assert not loads_fit(dataclasses.replace(vehicle, max_onboard_jobs=1), both)
    window = TimeWindow(0, 1)
    keyed_a = Job("ka", 1, 2, (1,), window, window, board_key="s1")
    keyed_b = Job("kb", 1, 2, (1,), window, window, board_key="s2")
    assert not loads_fit(vehicle, [Visit(keyed_a, True), Visit(keyed_b, True)])
    assert loads_fit(vehicle, [Visit(keyed_a, True), Visit(keyed_a, False), Visit(keyed_b, True)])
