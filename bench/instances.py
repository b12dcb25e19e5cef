"""Readers for public benchmark instances (Li & Lim PDPTW, Solomon VRPTW) and their BKS tables.

Conventions of ``shared/benchmarks/SOURCES.md``: Euclidean distances in double precision,
travel time equals distance, objective vehicles first, then distance. Our problem types are
integer, so every length and time is multiplied by ``scale`` (default 1000): distances are
rounded, travel times rounded *up* so that any solution feasible in integers is feasible in
real numbers too. Compare with BKS through ``real_distance`` (unscaled, from coordinates).

Solomon customers become jobs picked up at the depot (service 0, the depot's window) and
delivered at the customer; the solver recognises such depot-loaded problems.
"""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.vrp.problem import Job, Matrix, Problem, Solution, TimeWindow, VehicleSpec

SCALE = 1000
VEHICLE_WEIGHT = 10**9  # per vehicle: dominates any total distance (< 10**9 scaled units)
DROP_PENALTY = 10**11  # per job: dominates any number of vehicles


@dataclass(frozen=True, slots=True)
class Instance:
    """A benchmark instance: our integer ``Problem`` plus what is needed to score it exactly.

    Parameters
    ----------
    name
        File stem, e.g. ``lc101``.
    problem
        The scaled integer problem.
    coords
        ``(n, 2)`` array of the original coordinates per location.
    scale
        Factor applied to lengths and times.
    """

    name: str
    problem: Problem
    coords: npt.NDArray[np.float64]
    scale: int

    def real_distance(self, solution: Solution) -> float:
        """Total Euclidean distance of the routes in the instance's original units."""
        return real_distance(self.coords, solution)


@dataclass(frozen=True, slots=True)
class Bks:
    """Best-known solution of one instance: vehicles, then distance (original units)."""

    instance: str
    vehicles: int
    distance: float
    source: str


def read_li_lim(path: Path | str, *, scale: int = SCALE) -> Problem:
    """Read a Li & Lim PDPTW file into a ``Problem`` (see ``read_li_lim_instance``)."""
    return read_li_lim_instance(path, scale=scale).problem


def read_solomon(path: Path | str, *, scale: int = SCALE) -> Problem:
    """Read a Solomon VRPTW file into a ``Problem`` (see ``read_solomon_instance``)."""
    return read_solomon_instance(path, scale=scale).problem


def read_li_lim_instance(path: Path | str, *, scale: int = SCALE) -> Instance:
    """Read a Li & Lim PDPTW file.

    Parameters
    ----------
    path
        File with first line ``K Q speed`` and one line per node
        ``id x y demand ready due service pickup_sibling delivery_sibling``; node 0 is the depot.
    scale
        Multiplier for lengths and times. Default 1000.

    Returns
    -------
    Instance
        ``K`` identical vehicles of capacity ``Q`` at node 0, one job per pickup node.
    """
    path = Path(path)
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    n_vehicles, capacity = int(lines[0][0]), int(float(lines[0][1]))
    rows = [[float(x) for x in ln] for ln in lines[1:]]
    coords = np.array([[r[1], r[2]] for r in rows], dtype=np.float64)
    jobs: list[Job] = []
    for r in rows[1:]:
        node, demand, delivery = int(r[0]), int(r[3]), int(r[8])
        if demand <= 0 or delivery == 0:
            continue
        d = rows[delivery]
        jobs.append(
            Job(
                job_id=str(node),
                pickup=node,
                delivery=delivery,
                amount=(demand,),
                pickup_window=_window(r, scale),
                delivery_window=_window(d, scale),
                pickup_service_s=round(r[6] * scale),
                delivery_service_s=round(d[6] * scale),
            )
        )
    return Instance(
        path.stem, _problem(coords, jobs, rows[0], n_vehicles, capacity, scale), coords, scale
    )


def read_solomon_instance(path: Path | str, *, scale: int = SCALE) -> Instance:
    """Read a Solomon VRPTW file.

    Parameters
    ----------
    path
        Solomon's text format: a ``VEHICLE`` section with ``NUMBER CAPACITY`` and a
        ``CUSTOMER`` section with ``CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE
        TIME``; customer 0 is the depot.
    scale
        Multiplier for lengths and times. Default 1000.

    Returns
    -------
    Instance
        One job per customer, picked up at the depot and delivered at the customer.
    """
    path = Path(path)
    numeric = [
        [float(x) for x in ln.split()]
        for ln in path.read_text().splitlines()
        if ln.split() and all(_is_number(x) for x in ln.split())
    ]
    fleet = next(r for r in numeric if len(r) == 2)
    rows = [r for r in numeric if len(r) == 7]
    coords = np.array([[r[1], r[2]] for r in rows], dtype=np.float64)
    depot_window = _window(rows[0], scale)
    jobs = [
        Job(
            job_id=str(int(r[0])),
            pickup=0,
            delivery=int(r[0]),
            amount=(int(r[3]),),
            pickup_window=depot_window,
            delivery_window=_window(r, scale),
            delivery_service_s=round(r[6] * scale),
        )
        for r in rows[1:]
    ]
    problem = _problem(coords, jobs, rows[0], int(fleet[0]), int(fleet[1]), scale)
    return Instance(path.stem, problem, coords, scale)


def read_bks(path: Path | str) -> dict[str, Bks]:
    """Read a ``bks.csv`` (``instance, vehicles, distance, source``); rows without values skipped.

    Returns
    -------
    dict[str, Bks]
        By instance name.
    """
    out: dict[str, Bks] = {}
    with Path(path).open(newline="") as handle:
        for row in csv.DictReader(handle):
            if not row.get("vehicles") or not row.get("distance"):
                continue
            name = row["instance"]
            out[name] = Bks(name, int(row["vehicles"]), float(row["distance"]), row["source"])
    return out


def read_li_lim_solution(path: Path | str, instance: Instance) -> Solution:
    """Read a Li & Lim route file (``Route k : node node …``) as a timed ``Solution``.

    Routes are timed with ``routing.vrp.checker.route_from_sequence`` (earliest service starts);
    jobs on no route are listed unassigned. Check the result with ``routing.vrp.checker.check``.
    """
    from routing.vrp.checker import route_from_sequence
    from routing.vrp.problem import StopKind

    problem = instance.problem
    kind_of = {j.pickup: (StopKind.PICKUP, j.job_id) for j in problem.jobs}
    kind_of |= {j.delivery: (StopKind.DELIVERY, j.job_id) for j in problem.jobs}
    routes = []
    seen: set[str] = set()
    lines = [ln for ln in Path(path).read_text().splitlines() if ln.startswith("Route")]
    for vehicle, line in zip(problem.vehicles, lines, strict=False):
        sequence = [kind_of[int(x)] for x in line.split(":", 1)[1].split()]
        seen |= {job_id for _, job_id in sequence}
        routes.append(route_from_sequence(problem, vehicle.vehicle_id, sequence))
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in seen)
    return Solution(tuple(routes), unassigned, objective=0, wall_time_s=0.0, status="bks")


def real_distance(coords: npt.NDArray[np.float64], solution: Solution) -> float:
    """Total Euclidean length of the solution's routes in the original (unscaled) units."""
    total = 0.0
    for route in solution.routes:
        locs = [s.location for s in route.stops]
        for a, b in itertools.pairwise(locs):
            total += math.dist(coords[a], coords[b])
    return total


def euclidean_matrix(coords: npt.NDArray[np.float64], scale: int) -> Matrix:
    """Scaled Euclidean distances (rounded) and travel times (rounded *up*) between all points.

    Travel time equals distance. Rounding times up makes every arc at most one scaled unit
    longer than the real one, so a timing feasible in integers is feasible in real numbers.
    """
    real = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2)) * scale
    return Matrix(
        time_s=np.ceil(real - 1e-6).astype(np.int64),
        dist_m=np.rint(real).astype(np.int64),
        reachable=np.ones(real.shape, dtype=bool),
    )


def _window(row: list[float], scale: int) -> TimeWindow:
    return TimeWindow(round(row[4] * scale), round(row[5] * scale))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _problem(
    coords: npt.NDArray[np.float64],
    jobs: list[Job],
    depot: list[float],
    n_vehicles: int,
    capacity: int,
    scale: int,
) -> Problem:
    matrix = euclidean_matrix(coords, scale)
    shift = _window(depot, scale)
    width = len(str(n_vehicles - 1))
    vehicles = tuple(
        VehicleSpec(
            vehicle_id=f"v{k:0{width}d}",
            start=0,
            end=0,
            capacity=(capacity,),
            shift=shift,
            cost_per_km=1000.0,  # cost = scaled distance
        )
        for k in range(n_vehicles)
    )
    return Problem(
        matrices={"bus": matrix},
        jobs=tuple(jobs),
        vehicles=vehicles,
        location_names=tuple(str(i) for i in range(len(coords))),
        vehicle_weight=VEHICLE_WEIGHT,
        drop_penalty=DROP_PENALTY,
    )
