"""Peer solvers for the benchmark: our ``Problem`` handed to PyVRP and VROOM, their routes back.

Both peers get exactly the integer problem our solver gets (the readers' scaled, rounded-up
travel times and rounded distances), so a route feasible for a peer is feasible for the
checker and the real-valued instance alike. Their routes come back as stop sequences, are
timed by ``routing.vrp.checker.route_from_sequence`` and then re-scored by the harness like ours:
nothing a peer reports about its own objective is used.

Supported: pickup-and-delivery jobs (PyVRP shipments, VROOM shipments) or depot-loaded jobs
(VRPTW customers), time windows, service times, capacities, vehicle shifts and depots, one
profile, distance as the running cost and a fixed cost per used vehicle. Anything else
(allowed-vehicle lists, ride limits, board keys, on-board limits, shift-length limits,
several profiles, per-hour costs) raises ``UnsupportedProblemError``.
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.vrp.backends import pyvrp as solver_pyvrp
from routing.vrp.checker import route_from_sequence
from routing.vrp.features import pyvrp_unsupported
from routing.vrp.problem import Job, Problem, Route, Solution, SolveParams, StopKind, VehicleSpec

VROOM_EXPLORATION = 5  # the highest exploration level VROOM offers
_UINT32_MAX = 2**32 - 1


# Where the peer's own project tracks a feature it lacks (shown with the `unsupported` reason).
UPSTREAM = {
    ("PyVRP", "ride-time limits"): "PyVRP has no ride-time limit: PyVRP issue #1097",
    ("VROOM", "ride-time limits"): "VROOM has no ride-time limit: VROOM issue #703, PR #1352",
}


class UnsupportedProblemError(ValueError):
    """The problem uses a feature this peer adapter does not model."""


@dataclass(frozen=True, slots=True)
class _Fleet:
    """Vehicles grouped into types of identical vehicles, in problem order within a type."""

    types: tuple[tuple[VehicleSpec, ...], ...]


def depot_loaded(problem: Problem) -> bool:
    """True when every job is loaded at every vehicle's start depot (a Solomon-style VRPTW)."""
    return problem.depot_loaded()


def _check_supported(problem: Problem, peer: str) -> _Fleet:
    """Group the fleet into vehicle types, or say which features the peer cannot take."""
    missing = list(pyvrp_unsupported(problem))
    if len({v.cost_per_km for v in problem.vehicles}) > 1:
        missing.append("different per-km costs")
    if missing:
        named = [f"{m} ({UPSTREAM[peer, m]})" if (peer, m) in UPSTREAM else m for m in missing]
        raise UnsupportedProblemError(f"{peer} adapter does not model {', '.join(named)}")
    groups: dict[tuple[object, ...], list[VehicleSpec]] = {}
    for v in problem.vehicles:
        key = (v.start, v.end, v.capacity, v.shift, v.fixed_cost)
        groups.setdefault(key, []).append(v)
    return _Fleet(tuple(tuple(g) for g in groups.values()))


def _sequence(job: Job, pickup: bool) -> tuple[StopKind, str]:
    return (StopKind.PICKUP if pickup else StopKind.DELIVERY, job.job_id)


def _routes_from_sequences(
    problem: Problem,
    sequences: Sequence[tuple[str, list[tuple[StopKind, str]]]],
) -> tuple[tuple[Route, ...], tuple[str, ...]]:
    """Timed routes for ``(vehicle_id, stop sequence)`` pairs; jobs on no route unassigned."""
    routes = tuple(route_from_sequence(problem, vid, seq) for vid, seq in sequences if seq)
    seen = {job_id for _, seq in sequences for _, job_id in seq}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in seen)
    return routes, unassigned


def _depot_loaded_sequence(jobs: Sequence[Job]) -> list[tuple[StopKind, str]]:
    """Everything loaded at the depot at departure, then delivered in the given order."""
    return [_sequence(j, True) for j in jobs] + [_sequence(j, False) for j in jobs]


def _fixed_cost(problem: Problem, vehicle: VehicleSpec, bound: int) -> int:
    """Fixed cost per used vehicle: the problem's weight, capped where the peer needs it."""
    return min(problem.vehicle_weight + vehicle.fixed_cost, bound)


def _distance_bound(problem: Problem, matrix: npt.NDArray[np.int64]) -> int:
    """More than any plan's total distance: every possible visit left by the longest arc."""
    return solver_pyvrp.distance_bound(problem, problem.jobs, matrix)


# -- PyVRP ------------------------------------------------------------------------------------


def solve_pyvrp(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    coords: npt.NDArray[np.float64] | None = None,
) -> Solution:
    """Solve with PyVRP's iterated local search (shipments or VRPTW clients).

    The vehicle count is minimised through a fixed cost per used vehicle that exceeds any
    possible total distance, so the objective is hierarchical as in the benchmark.

    Parameters
    ----------
    problem
        The instance (see the module docstring for what is supported).
    params
        Time limit and seed. Default ``SolveParams()``.
    coords
        ``(n, 2)`` coordinates per location, used by PyVRP's geometric operators.
        Default None (all at the origin).

    Returns
    -------
    Solution
        Routes timed by ``route_from_sequence``; the objective is PyVRP's cost.

    Raises
    ------
    UnsupportedProblemError
        When the problem uses a feature the adapter does not model.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    params = params or SolveParams()
    started = time.monotonic()
    fleet = _check_supported(problem, "PyVRP")
    matrix = next(iter(problem.matrices.values()))
    points = coords if coords is not None else np.zeros((problem.n_locations, 2))
    model = pyvrp.Model()
    locations = [model.add_location(float(x), float(y)) for x, y in points]
    depots: dict[tuple[int, int, int], pyvrp.Depot] = {}

    def depot(loc: int, vehicle: VehicleSpec) -> pyvrp.Depot:
        key = (loc, vehicle.shift.start, vehicle.shift.end)
        if key not in depots:
            depots[key] = model.add_depot(
                locations[loc], tw_early=vehicle.shift.start, tw_late=vehicle.shift.end
            )
        return depots[key]

    bound = _distance_bound(problem, matrix.dist_m)
    for group in fleet.types:
        first = group[0]
        model.add_vehicle_type(
            num_available=len(group),
            capacity=list(first.capacity),
            start_depot=depot(first.start, first),
            end_depot=depot(first.end, first),
            fixed_cost=_fixed_cost(problem, first, bound),
            tw_early=first.shift.start,
            tw_late=first.shift.end,
            unit_distance_cost=1,
            unit_duration_cost=0,
        )
    loaded = depot_loaded(problem)
    for job in problem.jobs:
        if loaded:
            model.add_client(
                locations[job.delivery],
                delivery=list(job.amount),
                service_duration=job.delivery_service_s,
                tw_early=job.delivery_window.start,
                tw_late=job.delivery_window.end,
                name=job.job_id,
            )
        else:
            model.add_shipment(
                locations[job.pickup],
                locations[job.delivery],
                pickup_tw_early=job.pickup_window.start,
                pickup_tw_late=job.pickup_window.end,
                pickup_service_duration=job.pickup_service_s,
                delivery_tw_early=job.delivery_window.start,
                delivery_tw_late=job.delivery_window.end,
                delivery_service_duration=job.delivery_service_s,
                amount=list(job.amount),
                name=job.job_id,
            )
    for a, b in itertools.product(range(problem.n_locations), repeat=2):
        model.add_edge(
            locations[a],
            locations[b],
            distance=int(matrix.dist_m[a, b]),
            duration=int(matrix.time_s[a, b]),
        )
    left = max(0.01, params.time_limit_s - (time.monotonic() - started))
    result = model.solve(MaxRuntime(left), seed=params.seed, display=False)
    sequences = _pyvrp_sequences(problem, fleet, result.best, loaded)
    routes, unassigned = _routes_from_sequences(problem, sequences)
    status = "feasible" if result.is_feasible() else "infeasible"
    return Solution(routes, unassigned, int(result.cost()), time.monotonic() - started, status)


def _pyvrp_sequences(
    problem: Problem, fleet: _Fleet, best: object, loaded: bool
) -> list[tuple[str, list[tuple[StopKind, str]]]]:
    """Stop sequences of PyVRP's routes, each given the next unused vehicle of its type."""
    import pyvrp

    assert isinstance(best, pyvrp.Solution)
    jobs = problem.jobs
    pools = [list(group) for group in fleet.types]
    out: list[tuple[str, list[tuple[StopKind, str]]]] = []
    for route in best.routes():
        vehicle = pools[route.vehicle_type()].pop(0)
        sequence: list[tuple[StopKind, str]] = []
        clients: list[Job] = []
        for activity in route.schedule():
            kind = activity.type
            if kind == pyvrp.ActivityType.CLIENT:
                clients.append(jobs[activity.idx])
            elif kind == pyvrp.ActivityType.PICKUP:
                sequence.append(_sequence(jobs[activity.idx], True))
            elif kind == pyvrp.ActivityType.DELIVERY:
                sequence.append(_sequence(jobs[activity.idx], False))
        if loaded:
            sequence = _depot_loaded_sequence(clients)
        out.append((vehicle.vehicle_id, sequence))
    return out


# -- VROOM ------------------------------------------------------------------------------------


def solve_vroom(problem: Problem, params: SolveParams | None = None) -> Solution:
    """Solve with VROOM (pyvroom) at its highest exploration level, on one thread.

    VROOM stops when its search is done or at the time limit, whichever comes first; the
    vehicle count is minimised through a fixed cost per used vehicle that exceeds any total
    distance. Durations and costs must fit VROOM's unsigned 32-bit integers.

    Parameters
    ----------
    problem
        The instance (see the module docstring for what is supported).
    params
        Time limit (the seed is not used: VROOM is deterministic). Default ``SolveParams()``.

    Returns
    -------
    Solution
        Routes timed by ``route_from_sequence``; the objective is VROOM's cost.

    Raises
    ------
    UnsupportedProblemError
        When the problem uses a feature the adapter does not model, or values overflow.
    """
    import vroom

    params = params or SolveParams()
    started = time.monotonic()
    fleet = _check_supported(problem, "VROOM")
    matrix = next(iter(problem.matrices.values()))
    horizon = max(v.shift.end for v in problem.vehicles)
    if max(int(matrix.time_s.max()), int(matrix.dist_m.max()), horizon) > _UINT32_MAX:
        raise UnsupportedProblemError("VROOM needs durations and costs below 2**32")
    bound = min(_distance_bound(problem, matrix.dist_m), _UINT32_MAX)
    model = vroom.Input()
    model.set_durations_matrix("bus", matrix.time_s.astype(np.uint32))
    model.set_costs_matrix("bus", matrix.dist_m.astype(np.uint32))
    ids: list[str] = []
    for group in fleet.types:
        for v in group:
            model.add_vehicle(
                vroom.Vehicle(
                    len(ids),
                    start=v.start,
                    end=v.end,
                    profile="bus",
                    capacity=list(v.capacity),
                    time_window=vroom.TimeWindow(v.shift.start, v.shift.end),
                    costs=vroom.VehicleCosts(fixed=_fixed_cost(problem, v, bound)),
                )
            )
            ids.append(v.vehicle_id)
    loaded = depot_loaded(problem)
    for k, job in enumerate(problem.jobs):
        model.add_job(_vroom_task(vroom, k, job, loaded))
    timeout = datetime.timedelta(seconds=max(0.01, params.time_limit_s))
    answer = model.solve(exploration_level=VROOM_EXPLORATION, nb_threads=1, timeout=timeout)
    sequences = _vroom_sequences(problem, answer.routes, ids, loaded)
    routes, unassigned = _routes_from_sequences(problem, sequences)
    return Solution(
        routes, unassigned, int(answer.summary.cost), time.monotonic() - started, "vroom"
    )


def _vroom_task(vroom: object, k: int, job: Job, loaded: bool) -> object:
    """A VROOM job (depot-loaded delivery) or shipment for problem job ``k``."""
    v = vroom
    window = v.TimeWindow  # type: ignore[attr-defined]
    amount = v.Amount(list(job.amount))  # type: ignore[attr-defined]
    delivery_tw = [window(job.delivery_window.start, job.delivery_window.end)]
    if loaded:
        return v.Job(  # type: ignore[attr-defined]
            k,
            location=job.delivery,
            default_service=job.delivery_service_s,
            delivery=amount,
            time_windows=delivery_tw,
        )
    step = v.ShipmentStep  # type: ignore[attr-defined]
    return v.Shipment(  # type: ignore[attr-defined]
        step(
            2 * k,
            location=job.pickup,
            default_service=job.pickup_service_s,
            time_windows=[window(job.pickup_window.start, job.pickup_window.end)],
        ),
        step(
            2 * k + 1,
            location=job.delivery,
            default_service=job.delivery_service_s,
            time_windows=delivery_tw,
        ),
        amount=amount,
    )


def _vroom_sequences(
    problem: Problem, table: object, ids: Sequence[str], loaded: bool
) -> list[tuple[str, list[tuple[StopKind, str]]]]:
    """Stop sequences from VROOM's route table (one row per step)."""
    import pandas as pd

    assert isinstance(table, pd.DataFrame)
    jobs = problem.jobs
    out: list[tuple[str, list[tuple[StopKind, str]]]] = []
    for vehicle, steps in table.groupby("vehicle_id", sort=True):
        sequence: list[tuple[StopKind, str]] = []
        clients: list[Job] = []
        for kind, task in zip(steps["type"], steps["id"], strict=True):
            if kind == "job":
                clients.append(jobs[int(task)])
            elif kind in ("pickup", "delivery"):
                sequence.append(_sequence(jobs[int(task) // 2], kind == "pickup"))
        if loaded:
            sequence = _depot_loaded_sequence(clients)
        out.append((ids[int(str(vehicle))], sequence))
    return out


def scaled_coords(coords: npt.NDArray[np.float64], scale: int) -> npt.NDArray[np.float64]:
    """Coordinates in the problem's scaled length unit (for PyVRP's geometric operators)."""
    return np.asarray(coords, dtype=np.float64) * float(scale)
