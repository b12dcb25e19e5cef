"""Trips: one or more jobs that board together at one pickup and are dropped in turn.

The unit of trip chaining (``routing.vrp.backends.chains``). A vehicle's day is a chain of
trips; a trip of one job is a point-to-point ride, a trip of several jobs is a pooled ride —
every group boards at the shared pickup (the last one dropped boards first), then the vehicle
drives to each delivery in the trip's order.

Seen from the chain, a trip is a rigid block that starts boarding at ``x`` within its window
``[earliest, latest]`` and arrives at its last delivery ``go`` seconds later: for a pooled trip
no stop waits inside the block (every member's pickup and delivery windows and ride limit are
turned into bounds on ``x``), which is a restriction of what the model allows, so any chain the
block timing accepts is feasible for ``routing.vrp.schedule.build_route``. A trip of one job
keeps its exact point-to-point timing (waiting for the delivery window to open included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.vrp.problem import Job, Problem
from routing.vrp.schedule import Visit

_INF = math.inf
_WINDOW_REACH_S = 3600.0  # boarding windows this far apart are never paired


@dataclass(frozen=True, slots=True)
class Trip:
    """The timing of one trip as a chain sees it (seconds; locations are matrix indices).

    Parameters
    ----------
    jobs
        Job indices in drop order.
    pickup, last
        The shared pickup location and the last delivery location.
    earliest, latest
        Window for the start of boarding.
    go
        From the start of boarding to the arrival at the last delivery.
    opens
        When unloading at the last delivery may start at the earliest (absolute time).
    unload
        Unloading time at the last delivery.
    metres
        Distance driven loaded, from the pickup past every delivery to the last.
    amount
        Load of the trip per capacity dimension.
    """

    jobs: tuple[int, ...]
    pickup: int
    last: int
    earliest: float
    latest: float
    go: float
    opens: float
    unload: float
    metres: float
    amount: tuple[int, ...]
    boarding: tuple[int, ...] = ()

    @property
    def pooled(self) -> bool:
        """Whether several jobs ride together."""
        return len(self.jobs) > 1

    def visits(self, jobs: Sequence[Job]) -> list[Visit]:
        """The stop sequence: every pickup in boarding order, then the deliveries."""
        boarding = self.boarding or self.jobs
        return [Visit(jobs[k], True) for k in boarding] + [Visit(jobs[k], False) for k in self.jobs]


def single_trip(problem: Problem, k: int, time_s: npt.NDArray[np.float64]) -> Trip:
    """The point-to-point trip of job ``k`` (``time_s``: the profile's times, ``inf`` where
    unreachable)."""
    job = problem.jobs[k]
    matrix = problem.matrices[job.profile]
    ride = float(time_s[job.pickup, job.delivery])
    board = float(job.pickup_service_s)
    longest = _INF if job.max_ride_s is None else float(job.max_ride_s)
    opens, closes = float(job.delivery_window.start), float(job.delivery_window.end)
    # boarding start x: arrival at the delivery x + board + ride, unloading from
    # max(that, window opening); window closing and ride limit bound x
    earliest = max(float(job.pickup_window.start), opens - board - longest)
    latest = min(float(job.pickup_window.end), closes - board - ride)
    metres = float(matrix.dist_m[job.pickup, job.delivery]) if math.isfinite(ride) else 0.0
    return Trip(
        jobs=(k,),
        pickup=job.pickup,
        last=job.delivery,
        earliest=earliest,
        latest=latest,
        go=board + ride,
        opens=opens,
        unload=float(job.delivery_service_s),
        metres=metres,
        amount=job.amount,
    )


def pooled_trip(
    problem: Problem,
    order: Sequence[int],
    time_s: npt.NDArray[np.float64],
    dist_m: npt.NDArray[np.float64],
) -> Trip | None:
    """The rigid block of jobs ``order`` (drop order) boarding together, or None if no start
    of boarding keeps every window and ride limit (or a leg has no route).

    Every member must share the pickup location of the first.
    """
    jobs = [problem.jobs[k] for k in order]
    pickup = jobs[0].pickup
    if any(j.pickup != pickup for j in jobs):
        return None
    low, high = -_INF, _INF
    offset = 0.0
    board_end: dict[int, float] = {}
    position = {k: p for p, k in enumerate(order)}
    # boarding: the group whose window closes first boards first (the last dropped first
    # among equals), so every group can start within its window when any order can
    boarding = sorted(order, key=lambda k: (problem.jobs[k].pickup_window.end, -position[k]))
    for k in boarding:
        job = problem.jobs[k]
        low = max(low, job.pickup_window.start - offset)
        high = min(high, job.pickup_window.end - offset)
        offset += job.pickup_service_s
        board_end[k] = offset
    t, loc, metres = offset, pickup, 0.0
    arrive = 0.0
    for k, job in zip(order, jobs, strict=True):
        hop = time_s[loc, job.delivery]
        if not math.isfinite(hop):
            return None
        arrive = t + hop
        metres += dist_m[loc, job.delivery]
        if job.max_ride_s is not None and arrive - board_end[k] > job.max_ride_s:
            return None
        low = max(low, job.delivery_window.start - arrive)
        high = min(high, job.delivery_window.end - arrive)
        t, loc = arrive + job.delivery_service_s, job.delivery
    if low > high:
        return None
    last = jobs[-1]
    amount = tuple(int(sum(col)) for col in zip(*(j.amount for j in jobs), strict=True))
    return Trip(
        jobs=tuple(order),
        pickup=pickup,
        last=last.delivery,
        earliest=low,
        latest=high,
        go=arrive,
        opens=low + arrive,  # never binding: the block starts at low or later
        unload=float(last.delivery_service_s),
        metres=float(metres),
        amount=amount,
        boarding=tuple(boarding),
    )


def best_pooled(
    problem: Problem,
    trip: Trip,
    k: int,
    time_s: npt.NDArray[np.float64],
    dist_m: npt.NDArray[np.float64],
) -> Trip | None:
    """``trip`` with job ``k`` dropped where the block gets least longer, or None if no drop
    position keeps every rule."""
    best: Trip | None = None
    order = list(trip.jobs)
    for position in range(len(order) + 1):
        candidate = pooled_trip(problem, [*order[:position], k, *order[position:]], time_s, dist_m)
        if candidate is None:
            continue
        if best is None or (candidate.go + candidate.unload, candidate.metres) < (
            best.go + best.unload,
            best.metres,
        ):
            best = candidate
    return best


def savings_pools(
    problem: Problem,
    jobs: Sequence[int],
    time_s: npt.NDArray[np.float64],
    dist_m: npt.NDArray[np.float64],
    *,
    capacity: Sequence[int],
    min_saving_s: float = 0.0,
) -> list[Trip]:
    """Pooled trips of ``jobs`` by the savings method (after Clarke and Wright).

    Jobs may ride together when they share a pickup and a board key. Every job starts as a trip
    of its own; pairs are merged in order of the drive they save — dropping ``i`` then ``j``
    instead of returning from ``i`` to the pickup and driving out to ``j`` saves
    ``t(i → pickup) + t(pickup → j) − t(i → j)`` — joining the trip that ends with ``i`` to the
    trip that starts with ``j`` when the merged trip keeps every window and ride limit
    (``pooled_trip``) and its load fits ``capacity``. Pairs are only formed where the boarding
    windows could meet.

    Parameters
    ----------
    problem
        The instance.
    jobs
        Indices of the jobs that may be pooled (with a board key).
    time_s, dist_m
        The profile's travel times (``inf`` where unreachable) and distances.
    capacity
        Largest load of one trip, per capacity dimension.
    min_saving_s
        Least drive saved by a merge. Default 0.

    Returns
    -------
    list[Trip]
        The trips (single-job ones included), in order of their first job.
    """
    every = problem.jobs
    trips: dict[int, Trip] = {}
    owner: dict[int, int] = {}  # job -> id of its trip (the trip's first job)
    groups: dict[tuple[str | None, int], list[int]] = {}
    for k in jobs:
        job = every[k]
        trip = pooled_trip(problem, [k], time_s, dist_m)
        if trip is None:
            continue
        trips[k] = trip
        owner[k] = k
        groups.setdefault((job.board_key, job.pickup), []).append(k)
    pairs: list[tuple[float, int, int]] = []
    for (_, pickup), members in groups.items():
        members.sort(key=lambda k: (trips[k].earliest, k))
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if trips[j].earliest > trips[i].latest + _WINDOW_REACH_S:
                    break
                ei, ej = every[i].delivery, every[j].delivery
                for first, second, a, b in ((i, j, ei, ej), (j, i, ej, ei)):
                    saving = time_s[a, pickup] + time_s[pickup, b] - time_s[a, b]
                    if math.isfinite(saving) and saving > min_saving_s:
                        pairs.append((-float(saving), first, second))
    pairs.sort()
    limit = tuple(capacity)
    for _, i, j in pairs:
        ti, tj = trips.get(owner[i]), trips.get(owner[j])
        if ti is None or tj is None or ti is tj:
            continue
        if ti.jobs[-1] != i or tj.jobs[0] != j:
            continue  # i must end its trip and j start its own
        load = tuple(a + b for a, b in zip(ti.amount, tj.amount, strict=True))
        if any(x > c for x, c in zip(load, limit, strict=True)):
            continue
        merged = pooled_trip(problem, [*ti.jobs, *tj.jobs], time_s, dist_m)
        if merged is None:
            continue
        del trips[owner[i]], trips[owner[j]]
        head = merged.jobs[0]
        trips[head] = merged
        for k in merged.jobs:
            owner[k] = head
    return sorted(trips.values(), key=lambda t: t.jobs[0])
