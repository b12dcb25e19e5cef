"""Timing of a fixed stop sequence: the exact schedule with the least idle time, or None.

For a fixed order of stops every timing rule is a difference constraint between two service
start times (travel + service, time windows, shift window, shift length, ride time), so the
sequence is a simple temporal network: Floyd–Warshall decides feasibility and gives the
tightest bounds. Among feasible timings we choose the shortest shift (the vehicle leaves its
depot as late as possible), then the earliest return, then the earliest service starts. A
vehicle that continues a day already under way (a re-plan) is timed with every service as
early as it can be instead (``shortest_shift=False``): it goes on as soon as it is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.vrp.problem import Job, Problem, Route, Stop, StopKind, TimeWindow, VehicleSpec

_INF = 1 << 50


@dataclass(frozen=True, slots=True)
class Visit:
    """One job stop of a sequence: which job, and whether it is the pickup or the delivery."""

    job: Job
    pickup: bool

    @property
    def location(self) -> int:
        """Location index of this stop."""
        return self.job.pickup if self.pickup else self.job.delivery

    @property
    def service_s(self) -> int:
        """Service duration of this stop."""
        return self.job.pickup_service_s if self.pickup else self.job.delivery_service_s

    @property
    def kind(self) -> StopKind:
        """PICKUP or DELIVERY."""
        return StopKind.PICKUP if self.pickup else StopKind.DELIVERY


def route_cost(vehicle: VehicleSpec, distance_m: int, duration_s: int) -> int:
    """Running cost of a used vehicle: fixed + per km + per hour (rounded to whole units)."""
    running = vehicle.cost_per_km * distance_m / 1000 + vehicle.cost_per_hour * duration_s / 3600
    return vehicle.fixed_cost + round(running)


def service_starts(
    problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit], *, shortest_shift: bool = True
) -> npt.NDArray[np.int64] | None:
    """Service start times ``[depart, visit…, return]`` of the least-idle schedule, or None.

    Parameters
    ----------
    problem
        The instance (for the vehicle's matrix).
    vehicle
        The vehicle driving the sequence from its start to its end depot.
    visits
        Job stops in driving order (pairing and capacity are not checked here).
    shortest_shift
        Leave as late as the sequence allows (False: every time as early as it can be).
        Default True.

    Returns
    -------
    numpy.ndarray | None
        ``len(visits) + 2`` times, or None when no timing satisfies every rule (or an arc of
        the sequence has no route).
    """
    matrix = problem.matrices[vehicle.profile]
    locs = [vehicle.start, *(v.location for v in visits), vehicle.end]
    n = len(locs)
    src, dst = np.asarray(locs[:-1]), np.asarray(locs[1:])
    if not matrix.reachable[src, dst].all():
        return None
    service = [
        0,
        *(v.job.pickup_service_s if v.pickup else v.job.delivery_service_s for v in visits),
    ]
    gaps = matrix.time_s[src, dst] + np.asarray(service, dtype=np.int64)
    zero = n  # reference node: x_zero = 0
    dist = np.full((n + 1, n + 1), _INF, dtype=np.int64)
    np.fill_diagonal(dist, 0)
    # x_{i+1} - x_i >= gap_i   <=>   x_i - x_{i+1} <= -gap_i   (edge i+1 -> i)
    idx = np.arange(n - 1)
    dist[idx + 1, idx] = -gaps
    lo = [vehicle.shift.start, *(_window(v).start for v in visits), vehicle.shift.start]
    hi = [vehicle.shift.end, *(_window(v).end for v in visits), vehicle.shift.end]
    dist[zero, :n] = hi  # x_i - x_zero <= hi
    dist[:n, zero] = -np.asarray(lo, dtype=np.int64)  # x_zero - x_i <= -lo
    if vehicle.max_shift_s is not None:
        dist[0, n - 1] = min(int(dist[0, n - 1]), vehicle.max_shift_s)
    picked: dict[str, int] = {}
    for pos, visit in enumerate(visits, start=1):
        if visit.pickup:
            picked[visit.job.job_id] = pos
        elif visit.job.max_ride_s is not None and visit.job.job_id in picked:
            p = picked[visit.job.job_id]
            limit = visit.job.max_ride_s + visit.job.pickup_service_s
            dist[p, pos] = min(int(dist[p, pos]), limit)
    for k in range(n + 1):
        np.minimum(dist, dist[:, k : k + 1] + dist[k : k + 1, :], out=dist)
    if (np.diagonal(dist) < 0).any():
        return None
    if not shortest_shift:
        early: npt.NDArray[np.int64] = -dist[:n, zero]
        return early
    # shortest shift: x_end - x_0 <= min span
    _tighten(dist, 0, n - 1, -int(dist[n - 1, 0]))
    # earliest return: x_end - x_zero <= earliest end
    _tighten(dist, zero, n - 1, -int(dist[n - 1, zero]))
    times: npt.NDArray[np.int64] = -dist[:n, zero]
    return times


def _window(visit: Visit) -> TimeWindow:
    job = visit.job
    return job.pickup_window if visit.pickup else job.delivery_window


def _tighten(dist: npt.NDArray[np.int64], u: int, v: int, weight: int) -> None:
    """Add the constraint ``x_v - x_u <= weight`` and keep all shortest paths exact."""
    via = dist[:, u : u + 1] + weight + dist[v : v + 1, :]
    np.minimum(dist, via, out=dist)


def build_route(
    problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit], *, shortest_shift: bool = True
) -> Route | None:
    """The timed route of a sequence (stops, loads, distance, duration, cost), or None.

    Parameters
    ----------
    problem
        The instance.
    vehicle
        The vehicle driving the sequence.
    visits
        Job stops in driving order.
    shortest_shift
        Leave as late as the sequence allows (False: every time as early as it can be).
        Default True.

    Returns
    -------
    Route | None
        None when no timing satisfies the rules.
    """
    times = service_starts(problem, vehicle, visits, shortest_shift=shortest_shift)
    if times is None:
        return None
    matrix = problem.matrices[vehicle.profile]
    load = np.zeros(len(vehicle.capacity), dtype=np.int64)
    zero = tuple(0 for _ in vehicle.capacity)
    depart = int(times[0])
    stops = [Stop(StopKind.START, vehicle.start, None, depart, depart, depart, zero)]
    here, leave, distance = vehicle.start, depart, 0
    for visit, begin in zip(visits, times[1:-1], strict=True):
        loc = visit.location
        arrival = leave + int(matrix.time_s[here, loc])
        distance += int(matrix.dist_m[here, loc])
        service = visit.service_s
        amount = np.asarray(visit.job.amount, dtype=np.int64)
        load = load + amount if visit.pickup else load - amount
        leave = int(begin) + service
        loads = tuple(int(x) for x in load)
        stops.append(Stop(visit.kind, loc, visit.job.job_id, arrival, int(begin), leave, loads))
        here = loc
    arrival = leave + int(matrix.time_s[here, vehicle.end])
    distance += int(matrix.dist_m[here, vehicle.end])
    stops.append(Stop(StopKind.END, vehicle.end, None, arrival, arrival, arrival, zero))
    duration = arrival - depart
    cost = route_cost(vehicle, distance, duration)
    return Route(vehicle.vehicle_id, tuple(stops), distance, duration, cost)
