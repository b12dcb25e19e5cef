"""Generic pickup-and-delivery problem with time windows, and the shape of its solution.

Knows nothing of workers, employers or cargo: ``dispatch`` translates the domain into this.
Times are integer seconds from midnight of the planning day, distances integer metres,
costs integer cost units (the dispatch layer uses fen, 0.01 CNY).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed interval ``[start, end]`` in seconds."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, t: object) -> bool:
        return isinstance(t, int) and self.start <= t <= self.end


@dataclass(frozen=True, slots=True)
class Matrix:
    """Travel times and distances between all locations for one vehicle profile.

    ``reachable[i, j]`` is False where no route exists; the time and distance there are
    meaningless and the solver never uses that arc.
    """

    time_s: npt.NDArray[np.int64] = field(repr=False)
    dist_m: npt.NDArray[np.int64] = field(repr=False)
    reachable: npt.NDArray[np.bool_] = field(repr=False)

    def __post_init__(self) -> None:
        n = self.time_s.shape[0]
        for name in ("time_s", "dist_m", "reachable"):
            arr = getattr(self, name)
            if arr.shape != (n, n):
                raise ValueError(f"matrix {name} has shape {arr.shape}, expected ({n}, {n})")
        if (self.time_s[self.reachable] < 0).any() or (self.dist_m[self.reachable] < 0).any():
            raise ValueError("matrix has negative times or distances on reachable arcs")

    @property
    def size(self) -> int:
        """Number of locations."""
        return int(self.time_s.shape[0])


@dataclass(frozen=True, slots=True)
class Job:
    """One pickup-and-delivery request: load ``amount`` at ``pickup``, unload at ``delivery``.

    Parameters
    ----------
    job_id
        Unique id.
    pickup, delivery
        Location indices into the matrices.
    amount
        Load per capacity dimension (same length as every vehicle's ``capacity``).
    pickup_window, delivery_window
        When service may *start* at the pickup / delivery.
    pickup_service_s, delivery_service_s
        Service durations. Default 0.
    max_ride_s
        Longest time from the end of pickup service to the start of delivery service.
        Default None (no limit).
    board_key
        Jobs on board a vehicle at the same time must share this key (e.g. the pickup station
        for multi-drop charters). Default None (no restriction).
    priority
        Weight of the penalty for leaving the job unserved; higher is served first. Default 1.
    vehicles
        Ids of the vehicles allowed to serve it. Default None (any vehicle of ``profile``).
    profile
        Vehicle profile (e.g. ``bus``, ``truck``) that may serve the job. Default ``bus``.
    """

    job_id: str
    pickup: int
    delivery: int
    amount: tuple[int, ...]
    pickup_window: TimeWindow
    delivery_window: TimeWindow
    pickup_service_s: int = 0
    delivery_service_s: int = 0
    max_ride_s: int | None = None
    board_key: str | None = None
    priority: int = 1
    vehicles: frozenset[str] | None = None
    profile: str = "bus"

    def __post_init__(self) -> None:
        if not self.job_id:
            raise ValueError("job_id must not be empty")
        if any(a < 0 for a in self.amount):
            raise ValueError(f"job {self.job_id}: negative amount {self.amount}")
        if self.pickup_service_s < 0 or self.delivery_service_s < 0:
            raise ValueError(f"job {self.job_id}: negative service time")
        if self.max_ride_s is not None and self.max_ride_s < 0:
            raise ValueError(f"job {self.job_id}: negative max_ride_s")
        if self.priority < 1:
            raise ValueError(f"job {self.job_id}: priority must be >= 1, got {self.priority}")


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """One vehicle: where it starts and ends, what it carries, when it works, what it costs.

    Parameters
    ----------
    vehicle_id
        Unique id (the plate for real vehicles).
    start, end
        Location indices of the depot(s) where the shift starts and ends.
    capacity
        Capacity per dimension (same length as every job's ``amount``).
    shift
        Earliest departure from ``start`` and latest return to ``end``.
    max_shift_s
        Longest shift (end minus start). Default None (the shift window only).
    fixed_cost
        Cost of using the vehicle at all. Default 0.
    cost_per_km, cost_per_hour
        Running costs per km driven and per hour from leaving to returning. Default 0.
    profile
        Which matrix the vehicle drives on and which jobs it may serve. Default ``bus``.
    max_onboard_jobs
        Most jobs on board at once (1 = strictly point-to-point). Default None (no limit).
    """

    vehicle_id: str
    start: int
    end: int
    capacity: tuple[int, ...]
    shift: TimeWindow
    max_shift_s: int | None = None
    fixed_cost: int = 0
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    profile: str = "bus"
    max_onboard_jobs: int | None = None

    def __post_init__(self) -> None:
        if not self.vehicle_id:
            raise ValueError("vehicle_id must not be empty")
        if any(c < 0 for c in self.capacity):
            raise ValueError(f"vehicle {self.vehicle_id}: negative capacity {self.capacity}")
        if min(self.fixed_cost, self.cost_per_km, self.cost_per_hour) < 0:
            raise ValueError(f"vehicle {self.vehicle_id}: negative cost")
        if self.max_onboard_jobs is not None and self.max_onboard_jobs < 1:
            raise ValueError(f"vehicle {self.vehicle_id}: max_onboard_jobs must be >= 1")


@dataclass(frozen=True, slots=True)
class Problem:
    """A complete pickup-and-delivery instance.

    Parameters
    ----------
    matrices
        One ``Matrix`` per vehicle profile, all over the same locations.
    jobs, vehicles
        The requests and the fleet.
    location_names
        Human-readable id per location index (for messages and reasons).
    vehicle_weight
        Extra objective cost of using one vehicle, on top of ``fixed_cost``: puts
        "fewest vehicles" ahead of running cost. Default 0.
    drop_penalty
        Objective cost of leaving one job of priority 1 unserved (multiplied by the priority
        and, where ``drop_penalty_per_unit`` is set, increased per unit of the first amount).
        Must dominate vehicle costs so that serving beats saving a vehicle.
    drop_penalty_per_unit
        Extra drop penalty per unit of ``amount[0]`` (e.g. per worker). Default 0.
    """

    matrices: Mapping[str, Matrix]
    jobs: tuple[Job, ...]
    vehicles: tuple[VehicleSpec, ...]
    location_names: tuple[str, ...]
    vehicle_weight: int = 0
    drop_penalty: int = 10**9
    drop_penalty_per_unit: int = 0

    def __post_init__(self) -> None:
        sizes = {m.size for m in self.matrices.values()}
        if len(sizes) != 1:
            raise ValueError(f"matrices have different sizes {sorted(sizes)}")
        n = sizes.pop()
        if len(self.location_names) != n:
            raise ValueError(f"{len(self.location_names)} location names for {n} locations")
        dims = {len(j.amount) for j in self.jobs} | {len(v.capacity) for v in self.vehicles}
        if len(dims) > 1:
            raise ValueError(f"jobs and vehicles disagree on capacity dimensions: {sorted(dims)}")
        for job in self.jobs:
            for loc in (job.pickup, job.delivery):
                if not 0 <= loc < n:
                    raise ValueError(f"job {job.job_id}: location {loc} outside 0..{n - 1}")
        for vehicle in self.vehicles:
            for loc in (vehicle.start, vehicle.end):
                if not 0 <= loc < n:
                    raise ValueError(
                        f"vehicle {vehicle.vehicle_id}: location {loc} outside 0..{n - 1}"
                    )
            if vehicle.profile not in self.matrices:
                raise ValueError(
                    f"vehicle {vehicle.vehicle_id}: no matrix for profile {vehicle.profile!r}"
                )
        ids = [j.job_id for j in self.jobs]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate job ids")
        vids = [v.vehicle_id for v in self.vehicles]
        if len(set(vids)) != len(vids):
            raise ValueError("duplicate vehicle ids")

    @property
    def n_locations(self) -> int:
        """Number of locations."""
        return len(self.location_names)

    def penalty(self, job: Job) -> int:
        """Objective cost of leaving ``job`` unserved: ``drop_penalty`` × its priority, plus
        ``drop_penalty_per_unit`` per unit of its first amount."""
        first = job.amount[0] if job.amount else 0
        return self.drop_penalty * job.priority + self.drop_penalty_per_unit * first

    def objective(self, routes: Sequence[Route]) -> int:
        """Route costs + ``vehicle_weight`` per used vehicle + penalties of unserved jobs."""
        served = served_jobs(routes)
        objective = sum(r.cost for r in routes) + self.vehicle_weight * len(routes)
        return objective + sum(self.penalty(j) for j in self.jobs if j.job_id not in served)

    def depot_loaded(
        self,
        jobs: Sequence[Job] | None = None,
        *,
        allowed: Mapping[str, Sequence[int]] | None = None,
    ) -> bool:
        """True when every job is loaded for free at the start depot of every vehicle that may
        serve it: then the problem is a VRPTW (one node per job, loads summed per route).

        That holds when no vehicle limits its jobs on board and every job has its pickup at
        that depot (standing still there takes no time), no pickup service, a pickup window
        covering the vehicle's shift, no ride limit and no board key.

        Parameters
        ----------
        jobs
            The jobs to look at. Default None (all of them).
        allowed
            Indices of the vehicles that may serve each job (by job id). Default None (every
            vehicle for every job).
        """
        jobs = self.jobs if jobs is None else jobs
        if not jobs or any(v.max_onboard_jobs is not None for v in self.vehicles):
            return False
        everyone = range(len(self.vehicles))
        for job in jobs:
            if job.pickup_service_s or job.max_ride_s is not None or job.board_key is not None:
                return False
            for index in everyone if allowed is None else allowed.get(job.job_id, ()):
                vehicle = self.vehicles[index]
                matrix = self.matrices[vehicle.profile]
                if not (
                    job.pickup == vehicle.start
                    and job.pickup_window.start <= vehicle.shift.start
                    and job.pickup_window.end >= vehicle.shift.end
                    and matrix.time_s[vehicle.start, vehicle.start] == 0
                    and matrix.reachable[vehicle.start, vehicle.start]
                ):
                    return False
        return True


class FirstSolution(StrEnum):
    """First-solution strategies the solver accepts."""

    AUTOMATIC = "automatic"
    PARALLEL_CHEAPEST_INSERTION = "parallel_cheapest_insertion"
    LOCAL_CHEAPEST_INSERTION = "local_cheapest_insertion"
    SAVINGS = "savings"
    PATH_CHEAPEST_ARC = "path_cheapest_arc"


class Metaheuristic(StrEnum):
    """Local-search metaheuristics the solver accepts."""

    AUTOMATIC = "automatic"
    GUIDED_LOCAL_SEARCH = "guided_local_search"
    SIMULATED_ANNEALING = "simulated_annealing"
    TABU_SEARCH = "tabu_search"
    GREEDY_DESCENT = "greedy_descent"


@dataclass(frozen=True, slots=True)
class SolveParams:
    """Search settings. Every solve has a time limit; the plan is reproducible for a seed.

    Parameters
    ----------
    time_limit_s
        Hard wall-clock cap on the search. Default 30.
    seed
        Seed for every randomised choice. Default 0.
    effort
        Deterministic search budget (number of local-search solutions); the search stops at
        whichever of ``effort`` and ``time_limit_s`` comes first. Two runs with the same seed
        give the same answer when ``effort`` is reached first. Default None (time limit only).
    first_solution, metaheuristic
        Search strategies. Default automatic (chosen by the solver layer).
    slice_jobs
        Problems for the OR-Tools backend with more jobs than this are solved in time slices
        of about this many jobs (``routing.vrp.decompose``). Default 125 (docs/planning.md).
    priority_repair_share
        Share of the time limit for the priority repair after the search (an unserved job
        takes the place of jobs of lower penalty, ``routing.vrp.priority``). Default 0 (off).
    """

    time_limit_s: float = 30.0
    seed: int = 0
    effort: int | None = None
    first_solution: FirstSolution = FirstSolution.AUTOMATIC
    metaheuristic: Metaheuristic = Metaheuristic.AUTOMATIC
    slice_jobs: int = 125
    priority_repair_share: float = 0.0

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s}")
        if self.effort is not None and self.effort < 1:
            raise ValueError(f"effort must be >= 1, got {self.effort}")
        if self.slice_jobs < 1:
            raise ValueError(f"slice_jobs must be >= 1, got {self.slice_jobs}")
        if not 0.0 <= self.priority_repair_share <= 0.5:
            raise ValueError(
                f"priority_repair_share must be in [0, 0.5], got {self.priority_repair_share}"
            )


@dataclass(frozen=True, slots=True)
class WarmStart:
    """Routes to start a search from: a problem solved again after a change (a re-plan
    during the day), where the answer should change as little as it can.

    A backend that honours it (trip chaining: ``chains``, ``pools``) keeps each vehicle's trips
    in order where they still fit, places the jobs left over, never eliminates routes (that
    would reshuffle them) and keeps every chain on its own vehicle.

    Parameters
    ----------
    routes
        Vehicle id → its trips in driving order, each trip the ids of the jobs that board
        together (one job; or several pooled, in drop order).
    in_service
        Vehicles already in service (used earlier in the day): they count as used even
        without a job, so they take work before an idle vehicle does. Default none.
    """

    routes: Mapping[str, tuple[tuple[str, ...], ...]]
    in_service: frozenset[str] = frozenset()

    def check(self, problem: Problem) -> None:
        """Raise ``ValueError`` unless every vehicle and job id is ``problem``'s and no job
        appears twice."""
        vehicles = {v.vehicle_id for v in problem.vehicles}
        jobs = {j.job_id for j in problem.jobs}
        unknown = sorted((set(self.routes) | self.in_service) - vehicles)
        if unknown:
            raise ValueError(f"warm start: unknown vehicle(s) {', '.join(unknown[:5])}")
        listed = [j for trips in self.routes.values() for trip in trips for j in trip]
        missing = sorted(set(listed) - jobs)
        if missing:
            raise ValueError(f"warm start: unknown job(s) {', '.join(missing[:5])}")
        empty = any(not trip for trips in self.routes.values() for trip in trips)
        if len(set(listed)) != len(listed) or empty:
            raise ValueError("warm start: a job appears twice, or a trip has no job")


class StopKind(StrEnum):
    """What happens at a stop of a route."""

    START = "start"
    PICKUP = "pickup"
    DELIVERY = "delivery"
    END = "end"


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of a route, with the times the solver chose."""

    kind: StopKind
    location: int
    job_id: str | None
    arrival_s: int
    begin_s: int
    departure_s: int
    load: tuple[int, ...]  # on board after service here


@dataclass(frozen=True, slots=True)
class Route:
    """One used vehicle's sequence of stops."""

    vehicle_id: str
    stops: tuple[Stop, ...]
    distance_m: int
    duration_s: int
    cost: int


def served_jobs(routes: Sequence[Route]) -> frozenset[str]:
    """Ids of the jobs visited by ``routes``."""
    return frozenset(s.job_id for r in routes for s in r.stops if s.job_id is not None)


@dataclass(frozen=True, slots=True)
class Solution:
    """What the solver returns: the used routes and the jobs it left unserved.

    Parameters
    ----------
    routes
        The used vehicles' routes, timed.
    unassigned
        Ids of the jobs left unserved, in problem order.
    objective
        In problem cost units (``Problem.objective``).
    wall_time_s
        Seconds the solve took.
    status
        How the search ended (backend-specific text, e.g. ``effort_limit``). Default "".
    backend
        Which backend planned it (a ``routing.vrp.solver.Backend`` value). Default "".
    backend_reason
        Why that backend was chosen. Default "".
    """

    routes: tuple[Route, ...]
    unassigned: tuple[str, ...]
    objective: int
    wall_time_s: float
    status: str = ""
    backend: str = ""
    backend_reason: str = ""

    @classmethod
    def of(
        cls,
        problem: Problem,
        routes: Sequence[Route],
        *,
        wall_time_s: float,
        status: str = "",
        backend: str = "",
        backend_reason: str = "",
    ) -> Solution:
        """The solution made of ``routes``: unassigned jobs and objective computed."""
        served = served_jobs(routes)
        return cls(
            routes=tuple(routes),
            unassigned=tuple(j.job_id for j in problem.jobs if j.job_id not in served),
            objective=problem.objective(routes),
            wall_time_s=wall_time_s,
            status=status,
            backend=backend,
            backend_reason=backend_reason,
        )
