"""Independent re-simulation of a Solution against its Problem: every rule, every stop.

Shares no code with the solver: it walks each route stop by stop with the problem's matrices
and reports every broken rule as a typed ``Violation``. Used by tests, by the benchmark
harness (also for other solvers' routes) and as a last guard before a plan is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from routing.errors import InfeasibleSolutionError
from routing.vrp.problem import Job, Problem, Route, Solution, Stop, StopKind, VehicleSpec


class ViolationKind(StrEnum):
    """What rule a solution breaks."""

    UNKNOWN_VEHICLE = "unknown_vehicle"
    DUPLICATE_VEHICLE = "duplicate_vehicle"
    ROUTE_ENDPOINTS = "route_endpoints"
    UNKNOWN_JOB = "unknown_job"
    DUPLICATE_JOB = "duplicate_job"
    MISSING_JOB = "missing_job"
    PAIRING = "pairing"
    PRECEDENCE = "precedence"
    WRONG_LOCATION = "wrong_location"
    PROFILE = "profile"
    NOT_ALLOWED = "not_allowed"
    UNREACHABLE_ARC = "unreachable_arc"
    TRAVEL_TIME = "travel_time"
    WAITING = "waiting"
    SERVICE_TIME = "service_time"
    TIME_WINDOW = "time_window"
    SHIFT_WINDOW = "shift_window"
    MAX_SHIFT = "max_shift"
    CAPACITY = "capacity"
    MAX_RIDE = "max_ride"
    BOARD_KEY = "board_key"
    MAX_ONBOARD = "max_onboard"
    LOAD_MISMATCH = "load_mismatch"
    METRIC_MISMATCH = "metric_mismatch"
    FLEET_SIZE = "fleet_size"  # more routes than a benchmark's fleet limit (bench re-scorers)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule, located as precisely as possible.

    Parameters
    ----------
    kind
        Which rule.
    message
        Readable detail with the numbers.
    vehicle_id
        Route concerned. Default None (a solution-level violation).
    job_id
        Job concerned. Default None.
    stop_index
        Index into the route's stops. Default None.
    """

    kind: ViolationKind
    message: str
    vehicle_id: str | None = None
    job_id: str | None = None
    stop_index: int | None = None

    def __str__(self) -> str:
        where = f"vehicle {self.vehicle_id}" if self.vehicle_id is not None else "solution"
        if self.stop_index is not None:
            where += f" stop {self.stop_index}"
        return f"{self.kind.value} ({where}): {self.message}"


@dataclass(frozen=True, slots=True)
class RouteMetrics:
    """Distance and duration of one route, recomputed from the matrices."""

    vehicle_id: str
    distance_m: int
    duration_s: int
    jobs: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The checker's verdict on a solution, with recomputed totals.

    Parameters
    ----------
    violations
        Every broken rule (empty when feasible).
    routes
        Recomputed metrics per route, in solution order.
    served, unassigned
        Number of jobs served completely and listed as unassigned.
    """

    violations: tuple[Violation, ...]
    routes: tuple[RouteMetrics, ...]
    served: int
    unassigned: int

    @property
    def feasible(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    @property
    def distance_m(self) -> int:
        """Total distance of all routes."""
        return sum(r.distance_m for r in self.routes)

    @property
    def duration_s(self) -> int:
        """Total duration (return minus departure) of all routes."""
        return sum(r.duration_s for r in self.routes)

    @property
    def vehicles_used(self) -> int:
        """Number of routes that serve at least one job."""
        return sum(1 for r in self.routes if r.jobs > 0)


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Every rule the solution breaks (empty when it is feasible).

    Parameters
    ----------
    problem
        The instance the solution claims to solve.
    solution
        The routes and unassigned jobs to check.

    Returns
    -------
    list[Violation]
        In route order, then solution-level violations.
    """
    return list(evaluate(problem, solution).violations)


def assert_feasible(problem: Problem, solution: Solution) -> Evaluation:
    """Evaluate the solution and raise if it breaks any rule.

    Raises
    ------
    InfeasibleSolutionError
        Listing every violation.
    """
    evaluation = evaluate(problem, solution)
    if evaluation.violations:
        raise InfeasibleSolutionError([str(v) for v in evaluation.violations])
    return evaluation


def evaluate(problem: Problem, solution: Solution) -> Evaluation:
    """Re-simulate every route and the job accounting; recompute distance and duration.

    Parameters
    ----------
    problem
        The instance.
    solution
        The solution to evaluate.

    Returns
    -------
    Evaluation
        Violations and recomputed metrics.
    """
    jobs = {j.job_id: j for j in problem.jobs}
    vehicles = {v.vehicle_id: v for v in problem.vehicles}
    violations: list[Violation] = []
    metrics: list[RouteMetrics] = []
    served: dict[str, str] = {}  # job id -> vehicle id, for jobs seen on a route
    complete: set[str] = set()
    seen_vehicles: set[str] = set()
    for route in solution.routes:
        vehicle = vehicles.get(route.vehicle_id)
        if vehicle is None:
            violations.append(
                Violation(
                    ViolationKind.UNKNOWN_VEHICLE,
                    f"route of unknown vehicle {route.vehicle_id!r}",
                    route.vehicle_id,
                )
            )
            continue
        if route.vehicle_id in seen_vehicles:
            violations.append(
                Violation(
                    ViolationKind.DUPLICATE_VEHICLE,
                    "vehicle has more than one route",
                    route.vehicle_id,
                )
            )
        seen_vehicles.add(route.vehicle_id)
        walk = _RouteWalk(problem, vehicle, route, jobs, served)
        violations.extend(walk.run())
        complete |= walk.completed
        metrics.append(
            RouteMetrics(route.vehicle_id, walk.distance_m, walk.duration_s, len(walk.completed))
        )
    violations.extend(_accounting(problem, solution, served, complete))
    return Evaluation(
        violations=tuple(violations),
        routes=tuple(metrics),
        served=len(complete),
        unassigned=len(set(solution.unassigned) & set(jobs)),
    )


def _accounting(
    problem: Problem, solution: Solution, served: dict[str, str], complete: set[str]
) -> list[Violation]:
    """Every job exactly once: served on a route or listed unassigned, never both or neither."""
    out: list[Violation] = []
    known = {j.job_id for j in problem.jobs}
    listed: set[str] = set()
    for job_id in solution.unassigned:
        if job_id not in known:
            out.append(
                Violation(ViolationKind.UNKNOWN_JOB, f"unassigned job {job_id!r} is unknown")
            )
        elif job_id in listed:
            out.append(
                Violation(ViolationKind.DUPLICATE_JOB, "listed unassigned twice", job_id=job_id)
            )
        elif job_id in served:
            out.append(
                Violation(
                    ViolationKind.DUPLICATE_JOB,
                    f"listed unassigned but served by vehicle {served[job_id]}",
                    served[job_id],
                    job_id,
                )
            )
        listed.add(job_id)
    for job in problem.jobs:
        if job.job_id not in served and job.job_id not in listed:
            out.append(
                Violation(
                    ViolationKind.MISSING_JOB,
                    "neither served nor listed unassigned",
                    job_id=job.job_id,
                )
            )
    return out


class _RouteWalk:
    """Walks one route stop by stop, collecting violations and metrics."""

    def __init__(
        self,
        problem: Problem,
        vehicle: VehicleSpec,
        route: Route,
        jobs: dict[str, Job],
        served: dict[str, str],
    ) -> None:
        self.problem = problem
        self.vehicle = vehicle
        self.route = route
        self.jobs = jobs
        self.served = served
        self.matrix = problem.matrices[vehicle.profile]
        self.violations: list[Violation] = []
        self.completed: set[str] = set()
        self.on_board: dict[str, float] = {}  # job id -> end of pickup service
        self.load = [0] * len(vehicle.capacity)
        self.distance_m = 0
        self.duration_s = 0

    def _add(
        self,
        kind: ViolationKind,
        message: str,
        *,
        job_id: str | None = None,
        stop_index: int | None = None,
    ) -> None:
        self.violations.append(
            Violation(kind, message, self.vehicle.vehicle_id, job_id, stop_index)
        )

    def _at(self, kind: ViolationKind, message: str, index: int, stop: Stop) -> None:
        self._add(kind, message, job_id=stop.job_id, stop_index=index)

    def run(self) -> list[Violation]:
        stops = self.route.stops
        if len(stops) < 2:
            self._add(ViolationKind.ROUTE_ENDPOINTS, f"route has {len(stops)} stops, needs >= 2")
            return self.violations
        self._endpoints(stops)
        for index, stop in enumerate(stops):
            if index > 0:
                self._arc(index, stops[index - 1], stop)
            self._timing(index, stop)
            if stop.kind is StopKind.PICKUP:
                self._pickup(index, stop)
            elif stop.kind is StopKind.DELIVERY:
                self._delivery(index, stop)
            if tuple(self.load) != tuple(stop.load):
                self._at(
                    ViolationKind.LOAD_MISMATCH,
                    f"reported load {tuple(stop.load)}, actual {tuple(self.load)}",
                    index,
                    stop,
                )
        for job_id in self.on_board:
            self._add(
                ViolationKind.PAIRING, "picked up but never delivered on this route", job_id=job_id
            )
        self._shift(stops[0], stops[-1])
        self._metrics()
        return self.violations

    def _endpoints(self, stops: Sequence[Stop]) -> None:
        vehicle = self.vehicle
        first, last = stops[0], stops[-1]
        if first.kind is not StopKind.START or first.location != vehicle.start:
            self._add(
                ViolationKind.ROUTE_ENDPOINTS,
                f"first stop is {first.kind.value} at {first.location}, "
                f"expected start at {vehicle.start}",
                stop_index=0,
            )
        if last.kind is not StopKind.END or last.location != vehicle.end:
            self._add(
                ViolationKind.ROUTE_ENDPOINTS,
                f"last stop is {last.kind.value} at {last.location}, expected end at {vehicle.end}",
                stop_index=len(stops) - 1,
            )
        for index, stop in enumerate(stops[1:-1], start=1):
            if stop.kind in (StopKind.START, StopKind.END) or stop.job_id is None:
                self._add(
                    ViolationKind.ROUTE_ENDPOINTS,
                    f"inner stop is {stop.kind.value} (job {stop.job_id})",
                    stop_index=index,
                )

    def _arc(self, index: int, before: Stop, stop: Stop) -> None:
        a, b = before.location, stop.location
        self.distance_m += int(self.matrix.dist_m[a, b])
        if not bool(self.matrix.reachable[a, b]):
            self._at(
                ViolationKind.UNREACHABLE_ARC,
                f"no {self.vehicle.profile} route from location {a} to {b}",
                index,
                stop,
            )
            return
        travel = int(self.matrix.time_s[a, b])
        if stop.arrival_s < before.departure_s + travel:
            self._at(
                ViolationKind.TRAVEL_TIME,
                f"arrives at {stop.arrival_s}, but leaving at {before.departure_s} "
                f"and driving {travel} s arrives at {before.departure_s + travel} at the earliest",
                index,
                stop,
            )

    def _timing(self, index: int, stop: Stop) -> None:
        service = 0
        job = self.jobs.get(stop.job_id) if stop.job_id is not None else None
        if job is not None and stop.kind is StopKind.PICKUP:
            service = job.pickup_service_s
        elif job is not None and stop.kind is StopKind.DELIVERY:
            service = job.delivery_service_s
        if stop.begin_s < stop.arrival_s:
            self._at(
                ViolationKind.WAITING,
                f"service begins at {stop.begin_s}, before arrival at {stop.arrival_s}",
                index,
                stop,
            )
        if stop.departure_s < stop.begin_s + service:
            self._at(
                ViolationKind.SERVICE_TIME,
                f"leaves at {stop.departure_s}, before service of {service} s "
                f"begun at {stop.begin_s} ends",
                index,
                stop,
            )

    def _job_at(self, index: int, stop: Stop) -> Job | None:
        job = self.jobs.get(stop.job_id or "")
        if job is None:
            self._at(
                ViolationKind.UNKNOWN_JOB,
                f"unknown job {stop.job_id!r}",
                index,
                stop,
            )
            return None
        expected = job.pickup if stop.kind is StopKind.PICKUP else job.delivery
        if stop.location != expected:
            self._add(
                ViolationKind.WRONG_LOCATION,
                f"{stop.kind.value} at location {stop.location}, job says {expected}",
                job_id=job.job_id,
                stop_index=index,
            )
        window = job.pickup_window if stop.kind is StopKind.PICKUP else job.delivery_window
        if not window.start <= stop.begin_s <= window.end:
            self._add(
                ViolationKind.TIME_WINDOW,
                f"{stop.kind.value} begins at {stop.begin_s}, "
                f"outside window [{window.start}, {window.end}]",
                job_id=job.job_id,
                stop_index=index,
            )
        return job

    def _pickup(self, index: int, stop: Stop) -> None:
        job = self._job_at(index, stop)
        if job is None:
            return
        vid = self.vehicle.vehicle_id
        if job.job_id in self.served:
            self._add(
                ViolationKind.DUPLICATE_JOB,
                f"picked up again (already on vehicle {self.served[job.job_id]})",
                job_id=job.job_id,
                stop_index=index,
            )
            return
        self.served[job.job_id] = vid
        if job.profile != self.vehicle.profile:
            self._add(
                ViolationKind.PROFILE,
                f"job needs a {job.profile}, vehicle is a {self.vehicle.profile}",
                job_id=job.job_id,
                stop_index=index,
            )
        if job.vehicles is not None and vid not in job.vehicles:
            self._add(
                ViolationKind.NOT_ALLOWED,
                f"vehicle not in the job's allowed vehicles ({len(job.vehicles)} allowed)",
                job_id=job.job_id,
                stop_index=index,
            )
        keys_before = {k for j in self.on_board if (k := self.jobs[j].board_key) is not None}
        self.on_board[job.job_id] = stop.begin_s + job.pickup_service_s
        for d, amount in enumerate(job.amount):
            if d < len(self.load):
                self.load[d] += amount
        for d, (load, cap) in enumerate(zip(self.load, self.vehicle.capacity, strict=False)):
            if load > cap:
                self._add(
                    ViolationKind.CAPACITY,
                    f"load {load} exceeds capacity {cap} in dimension {d}",
                    job_id=job.job_id,
                    stop_index=index,
                )
        limit = self.vehicle.max_onboard_jobs
        if limit is not None and len(self.on_board) > limit:
            self._add(
                ViolationKind.MAX_ONBOARD,
                f"{len(self.on_board)} jobs on board, vehicle allows {limit}",
                job_id=job.job_id,
                stop_index=index,
            )
        if job.board_key is not None and keys_before - {job.board_key}:
            self._add(
                ViolationKind.BOARD_KEY,
                f"board key {job.board_key!r} boards while {sorted(keys_before)} on board",
                job_id=job.job_id,
                stop_index=index,
            )

    def _delivery(self, index: int, stop: Stop) -> None:
        job = self._job_at(index, stop)
        if job is None:
            return
        if job.job_id not in self.on_board:
            later = any(
                s.kind is StopKind.PICKUP and s.job_id == job.job_id
                for s in self.route.stops[index + 1 :]
            )
            kind = ViolationKind.PRECEDENCE if later else ViolationKind.PAIRING
            text = (
                "delivered before its pickup"
                if later
                else "delivered without a pickup on this route"
            )
            if job.job_id in self.completed:
                kind, text = ViolationKind.DUPLICATE_JOB, "delivered twice"
            self._add(kind, text, job_id=job.job_id, stop_index=index)
            return
        pickup_end = self.on_board.pop(job.job_id)
        ride = stop.begin_s - pickup_end
        if job.max_ride_s is not None and ride > job.max_ride_s:
            self._add(
                ViolationKind.MAX_RIDE,
                f"ride of {ride} s exceeds the limit of {job.max_ride_s} s",
                job_id=job.job_id,
                stop_index=index,
            )
        for d, amount in enumerate(job.amount):
            if d < len(self.load):
                self.load[d] -= amount
        self.completed.add(job.job_id)

    def _shift(self, first: Stop, last: Stop) -> None:
        shift = self.vehicle.shift
        if not shift.start <= first.departure_s <= shift.end:
            self._add(
                ViolationKind.SHIFT_WINDOW,
                f"leaves the depot at {first.departure_s}, shift is [{shift.start}, {shift.end}]",
                stop_index=0,
            )
        if not shift.start <= last.arrival_s <= shift.end:
            self._add(
                ViolationKind.SHIFT_WINDOW,
                f"returns at {last.arrival_s}, shift is [{shift.start}, {shift.end}]",
                stop_index=len(self.route.stops) - 1,
            )
        self.duration_s = last.arrival_s - first.departure_s
        limit = self.vehicle.max_shift_s
        if limit is not None and self.duration_s > limit:
            self._add(
                ViolationKind.MAX_SHIFT,
                f"shift of {self.duration_s} s exceeds the limit of {limit} s",
            )

    def _metrics(self) -> None:
        if self.route.distance_m != self.distance_m:
            self._add(
                ViolationKind.METRIC_MISMATCH,
                f"reported distance {self.route.distance_m} m, recomputed {self.distance_m} m",
            )
        if self.route.duration_s != self.duration_s:
            self._add(
                ViolationKind.METRIC_MISMATCH,
                f"reported duration {self.route.duration_s} s, recomputed {self.duration_s} s",
            )


def route_from_sequence(
    problem: Problem, vehicle_id: str, sequence: Sequence[tuple[StopKind, str]]
) -> Route:
    """Time a stop sequence the simple way, for routes produced by other solvers.

    Each stop begins as early as possible; the vehicle then leaves its depot as late as it can
    without delaying the first stop. Loads, distance and duration are filled in; the cost is
    the vehicle's fixed, per-km and per-hour cost. The result still has to pass ``check``
    (nothing here enforces windows or capacity).

    Parameters
    ----------
    problem
        The instance.
    vehicle_id
        The vehicle driving the sequence.
    sequence
        ``(PICKUP|DELIVERY, job_id)`` pairs in driving order (without the depot stops).

    Returns
    -------
    Route
        With START and END stops added.
    """
    vehicle = next(v for v in problem.vehicles if v.vehicle_id == vehicle_id)
    jobs = {j.job_id: j for j in problem.jobs}
    matrix = problem.matrices[vehicle.profile]
    load = [0] * len(vehicle.capacity)
    timed: list[tuple[StopKind, int, str | None, int, int, int, tuple[int, ...]]] = []
    here, clock, distance = vehicle.start, vehicle.shift.start, 0
    for kind, job_id in sequence:
        job = jobs[job_id]
        pickup = kind is StopKind.PICKUP
        location = job.pickup if pickup else job.delivery
        window = job.pickup_window if pickup else job.delivery_window
        service = job.pickup_service_s if pickup else job.delivery_service_s
        arrival = clock + int(matrix.time_s[here, location])
        distance += int(matrix.dist_m[here, location])
        begin = max(arrival, window.start)
        sign = 1 if pickup else -1
        load = [x + sign * a for x, a in zip(load, job.amount, strict=True)]
        timed.append((kind, location, job_id, arrival, begin, begin + service, tuple(load)))
        here, clock = location, begin + service
    arrival_end = clock + int(matrix.time_s[here, vehicle.end])
    distance += int(matrix.dist_m[here, vehicle.end])
    departure = vehicle.shift.start
    if timed:
        departure += timed[0][4] - timed[0][3]  # no idle time at the depot
        first = timed[0]
        timed[0] = (first[0], first[1], first[2], first[4], first[4], first[5], first[6])
    zero = tuple(0 for _ in vehicle.capacity)
    stops = [Stop(StopKind.START, vehicle.start, None, departure, departure, departure, zero)]
    stops += [Stop(k, loc, j, a, b, d, ld) for k, loc, j, a, b, d, ld in timed]
    stops.append(Stop(StopKind.END, vehicle.end, None, arrival_end, arrival_end, arrival_end, zero))
    duration = arrival_end - departure
    cost = vehicle.fixed_cost + round(
        vehicle.cost_per_km * distance / 1000 + vehicle.cost_per_hour * duration / 3600
    )
    return Route(vehicle_id, tuple(stops), distance, duration, cost)
