"""Solving a big problem in time slices: each slice solved alone, vehicles carried over.

Why: one model over a whole day (hundreds of jobs, ~150 buses) gives the local search too
large a neighbourhood for the time budget (measured in docs/planning.md). Slicing by time keeps
each model small while the buses keep their day:

1. Jobs are sorted by the end of their pickup window and cut into consecutive slices of about
   ``slice_jobs`` jobs.
2. Slice by slice, every vehicle enters the model in its current state. A vehicle not used yet
   is *fresh*: its own shift, its own depot, and a fixed cost of its ``fixed_cost`` plus the
   problem's ``vehicle_weight`` (so a fresh vehicle is only taken when needed). A vehicle used
   in an earlier slice *continues*: it starts at its last delivery when that delivery's service
   ends, costs nothing fixed, and must be back at its depot within ``max_shift_s`` of its
   first departure and within its shift.
3. Each slice's routes are appended to the vehicles' sequences (without the return to the
   depot), and every vehicle's whole sequence is timed once more by
   ``routing.vrp.schedule.build_route`` against the original problem. The slices' own
   timings are a feasible witness, so this cannot fail short of a bug.

The effort budget is shared among slices in proportion to their jobs. Without an effort budget
the time limit is shared the same way; with one, each slice may use the time left (less half
a second for each later slice), so that the effort, not the clock, stops it and the result is
the same on a loaded machine.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from routing.errors import SolverError
from routing.vrp.problem import (
    Job,
    Problem,
    Route,
    Solution,
    SolveParams,
    StopKind,
    TimeWindow,
    VehicleSpec,
)
from routing.vrp.schedule import Visit, build_route

logger = logging.getLogger(__name__)

MIN_SLICE_S = 0.5


@dataclass(frozen=True, slots=True)
class _State:
    """Where a used vehicle stands after the slices so far."""

    location: int
    free_at: int
    first_departure: int
    visits: tuple[Visit, ...]


def slices(jobs: Sequence[Job], slice_jobs: int) -> list[tuple[Job, ...]]:
    """Jobs cut into consecutive time slices of about ``slice_jobs`` (by pickup window end)."""
    if slice_jobs < 1:
        raise ValueError(f"slice_jobs must be >= 1, got {slice_jobs}")
    ordered = sorted(jobs, key=lambda j: (j.pickup_window.end, j.pickup_window.start, j.job_id))
    count = max(1, math.ceil(len(ordered) / slice_jobs))
    size, extra = divmod(len(ordered), count)
    out: list[tuple[Job, ...]] = []
    start = 0
    for k in range(count):
        length = size + (1 if k < extra else 0)
        out.append(tuple(ordered[start : start + length]))
        start += length
    return [s for s in out if s]


def _slice_vehicle(vehicle: VehicleSpec, state: _State | None, weight: int) -> VehicleSpec | None:
    if state is None:
        return dataclasses.replace(vehicle, fixed_cost=vehicle.fixed_cost + weight)
    latest_end = vehicle.shift.end
    if vehicle.max_shift_s is not None:
        latest_end = min(latest_end, state.first_departure + vehicle.max_shift_s)
    if latest_end <= state.free_at:
        return None
    return dataclasses.replace(
        vehicle,
        start=state.location,
        shift=TimeWindow(state.free_at, latest_end),
        max_shift_s=None,
        fixed_cost=0,
    )


def _advance(state: _State | None, route: Route, jobs: dict[str, Job]) -> _State:
    stops = route.stops[1:-1]
    visits = tuple(
        Visit(jobs[s.job_id], s.kind is StopKind.PICKUP) for s in stops if s.job_id is not None
    )
    last = stops[-1]
    first_departure = route.stops[0].departure_s if state is None else state.first_departure
    before = () if state is None else state.visits
    return _State(last.location, last.departure_s, first_departure, before + visits)


SliceSolver = Callable[[Problem, SolveParams], Solution]


def solve_in_slices(
    problem: Problem,
    params: SolveParams,
    *,
    solve_slice: SliceSolver,
    slice_jobs: int = 60,
    on_slice: Callable[[int, int], None] | None = None,
) -> Solution:
    """Solve ``problem`` slice by slice (see the module docstring).

    Parameters
    ----------
    problem
        The whole day's instance.
    params
        Search settings; ``time_limit_s`` and ``effort`` are the budgets of all slices together.
    solve_slice
        Solves one slice (a whole problem of its own), e.g. a backend of ``routing.vrp.solver``.
    slice_jobs
        Jobs per slice (about). Default 60.
    on_slice
        Called as ``on_slice(done, total)`` after each slice. Default None.

    Returns
    -------
    Solution
        Whole-day routes (timed against ``problem``), unassigned jobs in problem order, the
        objective in problem cost units, the wall time and a status naming the slices.
    """
    started = time.monotonic()
    parts = slices(problem.jobs, slice_jobs)
    jobs = {j.job_id: j for j in problem.jobs}
    states: list[_State | None] = [None] * len(problem.vehicles)
    statuses: list[str] = []
    total = max(1, len(problem.jobs))
    for k, part in enumerate(parts):
        share = len(part) / total
        taken = [
            (v, spec)
            for v, vehicle in enumerate(problem.vehicles)
            if (spec := _slice_vehicle(vehicle, states[v], problem.vehicle_weight)) is not None
        ]
        sub = dataclasses.replace(
            problem, jobs=part, vehicles=tuple(s for _, s in taken), vehicle_weight=0
        )
        left = params.time_limit_s - (time.monotonic() - started)
        if params.effort is None:
            budget = max(MIN_SLICE_S, min(left, params.time_limit_s * share))
        else:  # the effort share decides; time only caps, keeping some for the later slices
            budget = max(MIN_SLICE_S, left - MIN_SLICE_S * (len(parts) - k - 1))
        effort = None if params.effort is None else max(1, math.floor(params.effort * share))
        result = solve_slice(
            sub,
            dataclasses.replace(params, time_limit_s=budget, effort=effort, seed=params.seed + k),
        )
        statuses.append(result.status)
        index = {spec.vehicle_id: v for v, spec in taken}
        fresh = sum(1 for r in result.routes if states[index[r.vehicle_id]] is None)
        for route in result.routes:
            v = index[route.vehicle_id]
            states[v] = _advance(states[v], route, jobs)
        logger.info(
            "slice %d/%d: %d jobs, %d routes (%d fresh), %d unassigned, %.1f s",
            k + 1,
            len(parts),
            len(part),
            len(result.routes),
            fresh,
            len(result.unassigned),
            result.wall_time_s,
        )
        if on_slice is not None:
            on_slice(k + 1, len(parts))
    routes: list[Route] = []
    for v, state in enumerate(states):
        if state is None:
            continue
        timed = build_route(problem, problem.vehicles[v], state.visits)
        if timed is None:
            raise SolverError(
                f"vehicle {problem.vehicles[v].vehicle_id}: its slices do not join into a "
                "feasible day (a decomposition bug)"
            )
        routes.append(timed)
    status = "slices:" + ",".join(statuses)
    if time.monotonic() - started >= 0.98 * params.time_limit_s:
        # every slice may have finished its own (floored) share, but the call as a whole ran
        # to its limit: say so, as the other backends do
        status = "time_limit:" + status
    return Solution.of(problem, routes, wall_time_s=time.monotonic() - started, status=status)
