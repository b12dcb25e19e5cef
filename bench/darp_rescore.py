"""Re-scoring of a dial-a-ride solution in the instance's own, real-valued units.

Independent of the integer model the solvers see (``CordeauInstance.to_instance``): it takes
the service start times of a solution, scales them back, and checks every rule of Cordeau
(2006) with the instance's Euclidean travel times, service times, windows, ``L``, ``T``, ``Q``
and ``K`` (``bench.darp``). This is what makes "the rounding cannot make an infeasible solution
look feasible" a measured fact rather than an argument.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.darp import CordeauInstance
from bench.instances import SCALE
from routing.vrp.checker import Violation, ViolationKind
from routing.vrp.problem import Route, Solution, StopKind

EPS = 1e-6  # tolerance of the real-valued checks, in the instance's units (minutes)


@dataclass(frozen=True, slots=True)
class DarpScore:
    """A solution re-checked against the real-valued instance.

    Parameters
    ----------
    violations
        Every broken rule (empty when feasible).
    cost
        Total Euclidean distance of the routes that serve someone.
    vehicles
        Routes that serve at least one user.
    served
        Users picked up and delivered.
    max_ride, max_duration
        Longest ride and longest route found (instance units; 0 without routes).
    """

    violations: tuple[Violation, ...]
    cost: float
    vehicles: int
    served: int
    max_ride: float
    max_duration: float

    @property
    def feasible(self) -> bool:
        """No rule broken and every user served."""
        return not self.violations


def rescore(cordeau: CordeauInstance, solution: Solution, *, scale: int = SCALE) -> DarpScore:
    """Check every Cordeau rule on real-valued times and distances; recompute the cost.

    The service start of each stop is the solution's ``begin_s / scale`` (``departure_s`` at the
    start depot, ``arrival_s`` at the end depot); travel times are the Euclidean distances of
    the instance, service times and windows its own. Checked within ``EPS``: travel between
    consecutive stops, every window (depots included), capacity, pairing and precedence, ride
    time ``<= L``, route duration ``<= T``, every user served exactly once, at most ``K``
    routes used.

    Parameters
    ----------
    cordeau
        The instance.
    solution
        Routes of the integer problem ``cordeau.to_instance(scale=scale)``.
    scale
        The factor the solution's times carry. Default 1000.

    Returns
    -------
    DarpScore
        Violations, cost, vehicles, served users, longest ride and route.
    """
    violations: list[Violation] = []
    picked: set[int] = set()
    delivered: set[int] = set()
    walks = []
    for route in solution.routes:
        walk = _Walk(cordeau, route, scale, picked, delivered)
        walk.run()
        if walk.users:
            walks.append(walk)
        violations.extend(walk.violations)
    for user in range(1, cordeau.requests + 1):
        if user not in delivered:
            violations.append(
                Violation(ViolationKind.MISSING_JOB, f"user {user} is not served", job_id=str(user))
            )
    if len(walks) > cordeau.vehicles:
        violations.append(
            Violation(
                ViolationKind.FLEET_SIZE,
                f"{len(walks)} routes serve users, the fleet has {cordeau.vehicles} vehicles",
            )
        )
    return DarpScore(
        violations=tuple(violations),
        cost=sum(w.cost for w in walks),
        vehicles=len(walks),
        served=len(delivered),
        max_ride=max((w.max_ride for w in walks), default=0.0),
        max_duration=max((w.duration for w in walks), default=0.0),
    )


class _Walk:
    """One route in real numbers: nodes, service starts, and the rules between them."""

    def __init__(
        self,
        cordeau: CordeauInstance,
        route: Route,
        scale: int,
        picked: set[int],
        delivered: set[int],
    ) -> None:
        self.cordeau = cordeau
        self.route = route
        self.picked = picked  # users picked up so far, on any route
        self.delivered = delivered  # users delivered so far, on any route
        self.violations: list[Violation] = []
        self.users: set[int] = set()
        self.cost = 0.0
        self.duration = 0.0
        self.max_ride = 0.0
        self.nodes: list[int] = []
        self.starts: list[float] = []
        self.stop_index: list[int] = []  # index into the route's stops, per traced node
        self._trace(scale)

    def _add(self, kind: ViolationKind, message: str, index: int, user: int | None = None) -> None:
        """Record a violation at traced node ``index``."""
        job_id = None if user is None else str(user)
        stop = self.stop_index[index]
        self.violations.append(Violation(kind, message, self.route.vehicle_id, job_id, stop))

    def _trace(self, scale: int) -> None:
        """Node and real-valued service start of every stop (depots at both ends)."""
        cordeau, stops = self.cordeau, self.route.stops
        n = cordeau.requests
        for index, stop in enumerate(stops):
            if index == 0:
                node, begin = 0, stop.departure_s
            elif index == len(stops) - 1:
                node, begin = cordeau.end_depot, stop.arrival_s
            else:
                user = _user(stop.job_id, n)
                if user is None:
                    self.violations.append(
                        Violation(
                            ViolationKind.UNKNOWN_JOB,
                            f"no user {stop.job_id!r}",
                            self.route.vehicle_id,
                            stop.job_id,
                            index,
                        )
                    )
                    continue
                node, begin = (user if stop.kind is StopKind.PICKUP else n + user), stop.begin_s
            self.nodes.append(node)
            self.starts.append(begin / scale)
            self.stop_index.append(index)

    def run(self) -> None:
        if len(self.nodes) < 2:
            return
        cordeau = self.cordeau
        n, load = cordeau.requests, 0
        onboard: dict[int, float] = {}  # user -> end of pickup service
        for index, (node, begin) in enumerate(zip(self.nodes, self.starts, strict=True)):
            if index > 0:
                self._travel(index, self.nodes[index - 1], self.starts[index - 1], node, begin)
            self._window(index, node, begin)
            load += int(cordeau.load[node])
            if load > cordeau.capacity:
                owner = _owner(node, n)
                self._add(
                    ViolationKind.CAPACITY, f"{load} on board, Q = {cordeau.capacity}", index, owner
                )
            if 1 <= node <= n:
                self._pickup(index, node, begin, onboard)
            elif n < node < cordeau.end_depot:
                self._delivery(index, node - n, begin, onboard)
        last = len(self.nodes) - 1
        for user in onboard:
            self._add(ViolationKind.PAIRING, f"user {user} picked up, never delivered", last, user)
        self.duration = self.starts[-1] - self.starts[0]
        if self.duration > cordeau.max_duration + EPS:
            self._add(
                ViolationKind.MAX_SHIFT,
                f"route lasts {self.duration:.6f}, longer than T = {cordeau.max_duration:g}",
                last,
            )

    def _travel(self, index: int, before: int, left: float, node: int, begin: float) -> None:
        distance = self.cordeau.travel(before, node)
        self.cost += distance
        earliest = left + float(self.cordeau.service[before]) + distance
        if begin < earliest - EPS:
            self._add(
                ViolationKind.TRAVEL_TIME,
                f"node {node} begins at {begin:.6f}, but node {before} (service from "
                f"{left:.6f}) is {distance:.6f} away: {earliest:.6f} at the earliest",
                index,
                _owner(node, self.cordeau.requests),
            )

    def _window(self, index: int, node: int, begin: float) -> None:
        start, end = float(self.cordeau.window_start[node]), float(self.cordeau.window_end[node])
        if not start - EPS <= begin <= end + EPS:
            depot = node in (0, self.cordeau.end_depot)
            self._add(
                ViolationKind.SHIFT_WINDOW if depot else ViolationKind.TIME_WINDOW,
                f"node {node} begins at {begin:.6f}, outside its window [{start:g}, {end:g}]",
                index,
                _owner(node, self.cordeau.requests),
            )

    def _pickup(self, index: int, user: int, begin: float, onboard: dict[int, float]) -> None:
        if user in self.picked:
            self._add(ViolationKind.DUPLICATE_JOB, f"user {user} picked up again", index, user)
            return
        self.picked.add(user)
        self.users.add(user)
        onboard[user] = begin + float(self.cordeau.service[user])

    def _delivery(self, index: int, user: int, begin: float, onboard: dict[int, float]) -> None:
        if user not in onboard:
            kind = ViolationKind.DUPLICATE_JOB if user in self.delivered else ViolationKind.PAIRING
            self._add(kind, f"user {user} delivered without being on board", index, user)
            return
        ride = begin - onboard.pop(user)
        self.max_ride = max(self.max_ride, ride)
        if ride > self.cordeau.max_ride + EPS:
            self._add(
                ViolationKind.MAX_RIDE,
                f"user {user} rides {ride:.6f}, longer than L = {self.cordeau.max_ride:g}",
                index,
                user,
            )
        self.delivered.add(user)


def _user(job_id: str | None, n: int) -> int | None:
    if job_id is None or not job_id.isdigit() or not 1 <= int(job_id) <= n:
        return None
    return int(job_id)


def _owner(node: int, n: int) -> int | None:
    """The user a node belongs to (None for the depots)."""
    if 1 <= node <= n:
        return node
    if n < node <= 2 * n:
        return node - n
    return None
