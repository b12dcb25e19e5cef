"""Small, hand-checkable pickup-and-delivery instances shared by the routing tests.

Every instance lives on a straight road: location ``i`` sits at kilometre ``xs[i]`` and a
vehicle needs one minute per kilometre, so every time and distance can be checked by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing.vrp.problem import Job, Matrix, Problem, TimeWindow, VehicleSpec

DAY = TimeWindow(0, 24 * 3600)


def line_matrix(
    xs: Sequence[int], *, unreachable: Sequence[tuple[int, int]] = (), s_per_km: int = 60
) -> Matrix:
    """Times and distances between points on a line (``s_per_km`` seconds per km).

    Parameters
    ----------
    xs
        Kilometre position of each location.
    unreachable
        ``(from, to)`` arcs that have no route.
    s_per_km
        Driving time per kilometre. Default 60.
    """
    pos = np.asarray(xs, dtype=np.int64)
    km = np.abs(pos[:, None] - pos[None, :])
    reachable = np.ones(km.shape, dtype=bool)
    for a, b in unreachable:
        reachable[a, b] = False
    return Matrix(time_s=km * s_per_km, dist_m=km * 1000, reachable=reachable)


def job(
    job_id: str,
    pickup: int,
    delivery: int,
    amount: int | tuple[int, ...] = 1,
    *,
    pickup_window: TimeWindow = DAY,
    delivery_window: TimeWindow = DAY,
    **options: object,
) -> Job:
    """A job with whole-day windows unless told otherwise."""
    amounts = (amount,) if isinstance(amount, int) else amount
    return Job(job_id, pickup, delivery, amounts, pickup_window, delivery_window, **options)  # type: ignore[arg-type]


def bus(
    vehicle_id: str, capacity: int | tuple[int, ...] = 10, depot: int = 0, **options: object
) -> VehicleSpec:
    """A vehicle starting and ending at ``depot`` with a whole-day shift."""
    caps = (capacity,) if isinstance(capacity, int) else capacity
    shift = options.pop("shift", DAY)
    return VehicleSpec(vehicle_id, depot, depot, caps, shift, **options)  # type: ignore[arg-type]


def line_problem(
    xs: Sequence[int],
    jobs: Sequence[Job],
    vehicles: Sequence[VehicleSpec],
    *,
    unreachable: Sequence[tuple[int, int]] = (),
    **options: int,
) -> Problem:
    """A problem on a line with one ``bus`` matrix (see ``line_matrix``)."""
    matrix = line_matrix(xs, unreachable=unreachable)
    return Problem(
        matrices={"bus": matrix},
        jobs=tuple(jobs),
        vehicles=tuple(vehicles),
        location_names=tuple(f"L{i}" for i in range(len(xs))),
        **options,
    )


def two_jobs_one_bus(**job_options: object) -> Problem:
    """Depot at km 0, pickups at km 10 and 20, deliveries at km 30 and 40; one 10-seat bus.

    Job ``a`` carries 4 from L1 to L3, job ``b`` carries 5 from L2 to L4; ``job_options``
    apply to both jobs.
    """
    return line_problem(
        [0, 10, 20, 30, 40],
        [job("a", 1, 3, 4, **job_options), job("b", 2, 4, 5, **job_options)],
        [bus("bus1", 10)],
    )
