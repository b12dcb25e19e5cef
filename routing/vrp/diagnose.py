"""Why a job is unserved: generic reasons computed from the problem, not from the search.

For a job a solution left unserved, what stood in the way (``explain``): the reason no vehicle
could serve it even alone (``routing.vrp.servability``), or which of the vehicles that could were
busy, or that leaving it out cost less than serving it, or that the search stopped — each with
a readable detail that carries the numbers. The dispatch layer translates the codes into
worker-facing reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.vrp.problem import Job, Problem, Route, Solution, StopKind, VehicleSpec
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Reason, ReasonCode, Servability, clock, names, servable

logger = logging.getLogger(__name__)


def explain(
    problem: Problem,
    solution: Solution,
    *,
    servability: dict[str, Servability] | None = None,
) -> dict[str, Reason]:
    """A reason for every unassigned job of ``solution``.

    Parameters
    ----------
    problem
        The instance.
    solution
        A solution of it (routes as returned by the solver or any other source).
    servability
        ``servable(problem)`` if already computed. Default None (computed here).

    Returns
    -------
    dict[str, Reason]
        By job id, for every job in ``solution.unassigned``.
    """
    servability = servability if servability is not None else servable(problem)
    jobs = {j.job_id: j for j in problem.jobs}
    used = {r.vehicle_id: r for r in solution.routes if len(r.stops) > 2}
    views: dict[str, _RouteView] = {}
    reasons: dict[str, Reason] = {}
    for job_id in solution.unassigned:
        job = jobs[job_id]
        found = servability[job_id]
        if found.reason is not None:
            reasons[job_id] = found.reason
            continue
        candidates = [problem.vehicles[i] for i in found.vehicles]
        reasons[job_id] = _busy_reason(problem, job, candidates, used, jobs, views)
    return reasons


def _busy_reason(
    problem: Problem,
    job: Job,
    candidates: list[VehicleSpec],
    used: dict[str, Route],
    jobs: dict[str, Job],
    views: dict[str, _RouteView],
) -> Reason:
    """The job fits some vehicles alone: is one idle, can a route take it, or is all busy?"""
    ids = tuple(v.vehicle_id for v in candidates)
    penalty = problem.penalty(job)
    idle = [v for v in candidates if v.vehicle_id not in used]
    if idle:
        best = min(
            (build_route(problem, v, [Visit(job, True), Visit(job, False)]) for v in idle),
            key=lambda r: r.cost if r is not None else 1 << 62,
        )
        if best is not None:
            cost = best.cost + problem.vehicle_weight
            if cost > penalty:
                return Reason(
                    ReasonCode.PENALTY_TOO_LOW,
                    f"idle vehicle {best.vehicle_id} could serve it for {cost} (vehicle and "
                    f"running cost), more than its drop penalty {penalty}",
                    vehicles=ids,
                )
            return Reason(
                ReasonCode.SEARCH_LIMIT,
                f"idle vehicle {best.vehicle_id} could serve it; the search did not find this "
                "within its limit",
                vehicles=ids,
            )
    for vehicle in candidates:
        route = used.get(vehicle.vehicle_id)
        if route is None:
            continue
        view = views.get(vehicle.vehicle_id)
        if view is None:
            view = views[vehicle.vehicle_id] = _RouteView.of(problem, vehicle, route, jobs)
        delta = _insertion_cost(problem, job, view, good_enough=penalty)
        if delta is None:
            continue
        if delta > penalty:
            return Reason(
                ReasonCode.PENALTY_TOO_LOW,
                f"fits into the route of {vehicle.vehicle_id} for an extra {delta}, "
                f"more than its drop penalty {penalty}",
                vehicles=ids,
            )
        return Reason(
            ReasonCode.SEARCH_LIMIT,
            f"fits into the route of {vehicle.vehicle_id}; the search did not find this "
            "within its limit",
            vehicles=ids,
        )
    pw = job.pickup_window
    return Reason(
        ReasonCode.FLEET_EXHAUSTED,
        f"{len(ids)} vehicle(s) could serve it alone ({names(list(ids))}), but every one of "
        f"them is busy around its pickup window {clock(pw.start)}–{clock(pw.end)} and "
        "none of their routes can take it",
        vehicles=ids,
    )


@dataclass(frozen=True, slots=True)
class _RouteView:
    """What insertion tests need of one used route, computed once for every unserved job."""

    vehicle: VehicleSpec
    route: Route
    visits: list[Visit]
    loads: npt.NDArray[np.int64]  # on board after each stop (0 = leaving the depot)
    counts: npt.NDArray[np.int64]
    keys: list[set[str]]
    earliest: list[int]
    latest: list[int]
    locs: list[int]

    @classmethod
    def of(
        cls, problem: Problem, vehicle: VehicleSpec, route: Route, jobs: dict[str, Job]
    ) -> _RouteView:
        visits = [
            Visit(jobs[s.job_id], s.kind is StopKind.PICKUP)
            for s in route.stops[1:-1]
            if s.job_id is not None
        ]
        loads = np.array([s.load for s in route.stops[:-1]], dtype=np.int64)
        counts, keys = _on_board(visits)
        earliest, latest = _time_bounds(problem, vehicle, visits)
        locs = [vehicle.start, *(v.location for v in visits), vehicle.end]
        return cls(vehicle, route, visits, loads, counts, keys, earliest, latest, locs)


def _insertion_cost(
    problem: Problem,
    job: Job,
    view: _RouteView,
    *,
    good_enough: int,
) -> int | None:
    """Extra cost of inserting ``job`` into the route of ``view`` (None when none fits).

    The cheapest insertion, or the first one found that costs at most ``good_enough``.
    """
    vehicle, visits = view.vehicle, view.visits
    base = view.route.cost
    loads, counts, keys = view.loads, view.counts, view.keys
    amount = np.asarray(job.amount, dtype=np.int64)
    cap = np.asarray(vehicle.capacity, dtype=np.int64)
    limit = vehicle.max_onboard_jobs
    earliest, latest, locs = view.earliest, view.latest, view.locs
    t = problem.matrices[vehicle.profile].time_s
    best: int | None = None
    for i in range(len(visits) + 1):  # pickup goes after stop i (0 = depot)
        arrive = earliest[i] + _service(visits, i) + int(t[locs[i], job.pickup])
        if max(arrive, job.pickup_window.start) > job.pickup_window.end:
            continue
        if (loads[i] + amount > cap).any():
            continue
        for j in range(i, len(visits) + 1):  # delivery goes after stop j of the old route
            if j > i and (loads[j] + amount > cap).any():
                break
            if limit is not None and (counts[i : j + 1] + 1 > limit).any():
                break
            if job.board_key is not None and any(k - {job.board_key} for k in keys[i : j + 1]):
                break
            if not _delivery_gate(job, earliest, latest, locs, visits, t, i, j):
                continue
            trial = [*visits[:i], Visit(job, True), *visits[i:j], Visit(job, False), *visits[j:]]
            if not _pairs_fit(trial, vehicle):
                continue
            built = build_route(problem, vehicle, trial)
            if built is not None and (best is None or built.cost - base < best):
                best = built.cost - base
                if best <= good_enough:
                    return best
    return best


def _on_board(visits: Sequence[Visit]) -> tuple[npt.NDArray[np.int64], list[set[str]]]:
    """Jobs and board keys on board after each stop (index 0 = leaving the depot)."""
    counts = [0]
    aboard: dict[str, str | None] = {}
    keys: list[set[str]] = [set()]
    for v in visits:
        if v.pickup:
            aboard[v.job.job_id] = v.job.board_key
        else:
            aboard.pop(v.job.job_id, None)
        counts.append(len(aboard))
        keys.append({k for k in aboard.values() if k is not None})
    return np.asarray(counts, dtype=np.int64), keys


def _pairs_fit(visits: Sequence[Visit], vehicle: VehicleSpec) -> bool:
    load = np.zeros(len(vehicle.capacity), dtype=np.int64)
    cap = np.asarray(vehicle.capacity, dtype=np.int64)
    for v in visits:
        amount = np.asarray(v.job.amount, dtype=np.int64)
        load = load + amount if v.pickup else load - amount
        if (load > cap).any():
            return False
    return True


def _service(visits: Sequence[Visit], i: int) -> int:
    if i == 0:
        return 0
    return visits[i - 1].service_s


def _time_bounds(
    problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit]
) -> tuple[list[int], list[int]]:
    """Earliest and latest service starts per stop (relaxed: windows and shift only)."""
    t = problem.matrices[vehicle.profile].time_s
    locs = [vehicle.start, *(v.location for v in visits), vehicle.end]
    windows = [
        vehicle.shift,
        *(v.job.pickup_window if v.pickup else v.job.delivery_window for v in visits),
        vehicle.shift,
    ]
    earliest = [vehicle.shift.start]
    for k in range(1, len(locs)):
        reach = earliest[-1] + _service(visits, k - 1) + int(t[locs[k - 1], locs[k]])
        earliest.append(max(reach, windows[k].start))
    latest = [vehicle.shift.end] * len(locs)
    for k in range(len(locs) - 2, -1, -1):
        leave_by = latest[k + 1] - int(t[locs[k], locs[k + 1]]) - _service(visits, k)
        latest[k] = min(windows[k].end, leave_by)
    return earliest, latest


def _delivery_gate(
    job: Job,
    earliest: list[int],
    latest: list[int],
    locs: list[int],
    visits: Sequence[Visit],
    t: npt.NDArray[np.int64],
    i: int,
    j: int,
) -> bool:
    """Necessary timing condition for delivering after old stop ``j`` (pickup after ``i``)."""
    if j == i:
        at_pickup = max(
            earliest[i] + _service(visits, i) + int(t[locs[i], job.pickup]), job.pickup_window.start
        )
        arrive = at_pickup + job.pickup_service_s + int(t[job.pickup, job.delivery])
    else:
        arrive = earliest[j] + _service(visits, j) + int(t[locs[j], job.delivery])
    begin = max(arrive, job.delivery_window.start)
    if begin > job.delivery_window.end:
        return False
    onward = begin + job.delivery_service_s + int(t[job.delivery, locs[j + 1]])
    return onward <= latest[j + 1]
