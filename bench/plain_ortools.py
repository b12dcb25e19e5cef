"""Plain OR-Tools baseline: one textbook routing model and search, the yardstick for our solver.

What an engineer following the OR-Tools guides would write for a pickup-and-delivery problem
with time windows and capacities: one node per depot and per pickup/delivery (one per customer
when every job is loaded at the depot, i.e. a plain VRPTW), a time dimension with the service
time in the transit, one capacity dimension per load dimension, pickup-and-delivery pairs on
the same vehicle in order, a fixed cost per used vehicle (``vehicle_weight`` + ``fixed_cost``)
so that fewer vehicles come first, drop penalties for jobs that cannot be served, and a single
search: PARALLEL_CHEAPEST_INSERTION then GUIDED_LOCAL_SEARCH until the time limit. No fleet
minimisation phase, no restarts, no tuning. Used only by ``bench/``; the planner uses
``routing.vrp.backends.ortools``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.errors import SolverError
from routing.vrp.problem import (
    FirstSolution,
    Job,
    Metaheuristic,
    Problem,
    Route,
    Solution,
    SolveParams,
    Stop,
    StopKind,
    VehicleSpec,
)

_FIRST = {
    FirstSolution.PARALLEL_CHEAPEST_INSERTION: "PARALLEL_CHEAPEST_INSERTION",
    FirstSolution.LOCAL_CHEAPEST_INSERTION: "LOCAL_CHEAPEST_INSERTION",
    FirstSolution.SAVINGS: "SAVINGS",
    FirstSolution.PATH_CHEAPEST_ARC: "PATH_CHEAPEST_ARC",
}
_META = {
    Metaheuristic.GUIDED_LOCAL_SEARCH: "GUIDED_LOCAL_SEARCH",
    Metaheuristic.SIMULATED_ANNEALING: "SIMULATED_ANNEALING",
    Metaheuristic.TABU_SEARCH: "TABU_SEARCH",
    Metaheuristic.GREEDY_DESCENT: "GREEDY_DESCENT",
}
_MAX_OBJECTIVE = 1 << 61
_Cell = TypeVar("_Cell", bound=np.generic)
_STATUS = {
    0: "not_solved",
    1: "success",
    2: "fail",
    3: "timeout",
    4: "invalid",
    5: "infeasible",
    6: "optimal",
}


@dataclass(frozen=True, slots=True)
class _Node:
    """What one model node is: a depot, or the pickup or delivery of a job."""

    location: int
    job: Job | None = None
    pickup: bool = False
    service_s: int = 0


def solve_plain(problem: Problem, params: SolveParams | None = None) -> Solution:
    """Solve with the standard OR-Tools configuration (the benchmark baseline).

    Parameters
    ----------
    problem
        The instance. Board keys (``Job.board_key``) are not modelled by the baseline.
    params
        Time limit and seed; ``first_solution`` / ``metaheuristic`` other than automatic
        override PARALLEL_CHEAPEST_INSERTION / GUIDED_LOCAL_SEARCH. ``effort`` sets the
        solution limit. Default ``SolveParams()`` (30 s).

    Returns
    -------
    Solution
        Used routes timed by the earliest feasible service starts of the OR-Tools solution
        (the depot left as late as the first stop allows), unassigned job ids in problem
        order, the objective in problem cost units.

    Raises
    ------
    SolverError
        When the problem uses board keys, or OR-Tools returns no solution at all.
    """
    params = params or SolveParams()
    started = time.monotonic()
    if len({j.board_key for j in problem.jobs if j.board_key is not None}) > 1:
        raise SolverError("the plain OR-Tools baseline does not model board keys")
    if not problem.jobs or not problem.vehicles:
        return Solution((), tuple(j.job_id for j in problem.jobs), 0, 0.0, "empty")
    model = _PlainModel(problem)
    assignment = model.solve(params)
    if assignment is None:
        status = _STATUS.get(int(model.routing.status()), "unknown")
        raise SolverError(f"plain OR-Tools found no solution (status {status})")
    routes = tuple(
        route
        for v in range(len(problem.vehicles))
        if (route := model.route(assignment, v)) is not None
    )
    served = {s.job_id for r in routes for s in r.stops if s.kind is StopKind.DELIVERY}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in served)
    return Solution(
        routes=routes,
        unassigned=unassigned,
        objective=int(assignment.ObjectiveValue()) // model.scale,
        wall_time_s=time.monotonic() - started,
        status=_STATUS.get(int(model.routing.status()), "unknown"),
    )


def is_depot_loaded(problem: Problem) -> bool:
    """True when every job is picked up at the start depot of every vehicle that may take it
    (``Problem.depot_loaded``): then each job becomes one customer node (Solomon style)."""
    allowed = {
        job.job_id: [i for i, v in enumerate(problem.vehicles) if _may_serve(v, job)]
        for job in problem.jobs
    }
    return problem.depot_loaded(allowed=allowed)


def _may_serve(vehicle: VehicleSpec, job: Job) -> bool:
    return job.profile == vehicle.profile and (
        job.vehicles is None or vehicle.vehicle_id in job.vehicles
    )


class _PlainModel:
    """The OR-Tools model and the way back from an assignment to timed routes."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.depot_loaded = is_depot_loaded(problem)
        depots = sorted({v.start for v in problem.vehicles} | {v.end for v in problem.vehicles})
        self.nodes = [_Node(loc) for loc in depots]
        self.job_nodes: list[tuple[int | None, int]] = []
        for job in problem.jobs:
            p: int | None = None
            if not self.depot_loaded:
                p = len(self.nodes)
                self.nodes.append(_Node(job.pickup, job, True, job.pickup_service_s))
            self.nodes.append(_Node(job.delivery, job, False, job.delivery_service_s))
            self.job_nodes.append((p, len(self.nodes) - 1))
        depot_node = {loc: k for k, loc in enumerate(depots)}
        self.manager = pywrapcp.RoutingIndexManager(
            len(self.nodes),
            len(problem.vehicles),
            [depot_node[v.start] for v in problem.vehicles],
            [depot_node[v.end] for v in problem.vehicles],
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.locs = np.array([n.location for n in self.nodes], dtype=np.int64)
        self.horizon = 1 + max(
            [v.shift.end for v in problem.vehicles]
            + [max(j.pickup_window.end, j.delivery_window.end) for j in problem.jobs]
        )
        self.scale = self._cost_scale()
        self._time_dimension()
        self._costs()
        self._loads()
        self._pairs()

    def _index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def _cost_scale(self) -> int:
        """Cost multiplier keeping per-second and per-metre prices integral without overflow."""
        problem = self.problem
        bound = sum(2 * _penalty(problem, j) for j in problem.jobs)
        for v in problem.vehicles:
            matrix = problem.matrices[v.profile]
            longest = int(matrix.dist_m[matrix.reachable].max(initial=0))
            bound += v.fixed_cost + problem.vehicle_weight
            bound += math.ceil(v.cost_per_km * longest / 1000 * (len(self.nodes) + 1))
            bound += math.ceil(v.cost_per_hour * self.horizon / 3600)
        for scale in (100, 10, 1):
            if bound * scale < _MAX_OBJECTIVE:
                return scale
        raise SolverError(f"objective bound {bound} overflows int64: lower the drop penalties")

    def _sub(self, matrix: npt.NDArray[_Cell]) -> npt.NDArray[_Cell]:
        """The matrix between model nodes (rows and columns picked by node location)."""
        return matrix[np.ix_(self.locs, self.locs)]

    def _time_dimension(self) -> None:
        problem, routing = self.problem, self.routing
        service = np.array([n.service_s for n in self.nodes], dtype=np.int64)
        transits: dict[str, int] = {}
        for profile in sorted({v.profile for v in problem.vehicles}):
            matrix = problem.matrices[profile]
            transit = self._sub(matrix.time_s) + service[:, None]
            transit[~self._sub(matrix.reachable)] = self.horizon + 1
            transits[profile] = routing.RegisterTransitMatrix(transit.tolist())
        routing.AddDimensionWithVehicleTransits(
            [transits[v.profile] for v in problem.vehicles],
            self.horizon,
            self.horizon,
            False,
            "time",
        )
        self.time = routing.GetDimensionOrDie("time")
        for k, v in enumerate(problem.vehicles):
            self.time.CumulVar(routing.Start(k)).SetRange(v.shift.start, v.shift.end)
            self.time.CumulVar(routing.End(k)).SetRange(v.shift.start, v.shift.end)
            if v.max_shift_s is not None:
                self.time.SetSpanUpperBoundForVehicle(v.max_shift_s, k)
            per_second = round(v.cost_per_hour * self.scale / 3600)
            if per_second > 0:
                self.time.SetSpanCostCoefficientForVehicle(per_second, k)

    def _costs(self) -> None:
        problem, routing = self.problem, self.routing
        evaluators: dict[tuple[str, float], int] = {}
        for k, v in enumerate(problem.vehicles):
            key = (v.profile, v.cost_per_km)
            if key not in evaluators:
                matrix = problem.matrices[v.profile]
                dist = self._sub(matrix.dist_m).astype(np.float64)
                cost = np.rint(dist * v.cost_per_km * self.scale / 1000).astype(np.int64)
                unreachable = ~self._sub(matrix.reachable)
                cost[unreachable] = 10 * int(cost[~unreachable].max(initial=1)) + 1
                evaluators[key] = routing.RegisterTransitMatrix(cost.tolist())
            routing.SetArcCostEvaluatorOfVehicle(evaluators[key], k)
            routing.SetFixedCostOfVehicle((v.fixed_cost + problem.vehicle_weight) * self.scale, k)

    def _loads(self) -> None:
        problem, routing = self.problem, self.routing
        for d in range(len(problem.vehicles[0].capacity)):
            demand = np.zeros(len(self.nodes), dtype=np.int64)
            for job, (p, dl) in zip(problem.jobs, self.job_nodes, strict=True):
                demand[dl] = job.amount[d] if p is None else -job.amount[d]
                if p is not None:
                    demand[p] = job.amount[d]
            routing.AddDimensionWithVehicleCapacity(
                routing.RegisterUnaryTransitVector(demand.tolist()),
                0,
                [v.capacity[d] for v in problem.vehicles],
                True,
                f"load{d}",
            )
        limits = [v.max_onboard_jobs for v in problem.vehicles]
        if any(x is not None for x in limits):
            count = np.zeros(len(self.nodes), dtype=np.int64)
            for p, dl in self.job_nodes:
                if p is not None:
                    count[p], count[dl] = 1, -1
            routing.AddDimensionWithVehicleCapacity(
                routing.RegisterUnaryTransitVector(count.tolist()),
                0,
                [x if x is not None else len(problem.jobs) for x in limits],
                True,
                "onboard",
            )

    def _pairs(self) -> None:
        problem, routing = self.problem, self.routing
        solver = routing.solver()
        for job, (p, dl) in zip(problem.jobs, self.job_nodes, strict=True):
            d_index = self._index(dl)
            window = job.delivery_window
            self.time.CumulVar(d_index).SetRange(window.start, window.end)
            indices = [d_index]
            if p is not None:
                p_index = self._index(p)
                indices.insert(0, p_index)
                window = job.pickup_window
                self.time.CumulVar(p_index).SetRange(window.start, window.end)
                routing.AddPickupAndDelivery(p_index, d_index)
                solver.Add(routing.VehicleVar(p_index) == routing.VehicleVar(d_index))
                solver.Add(self.time.CumulVar(p_index) <= self.time.CumulVar(d_index))
                if job.max_ride_s is not None:
                    limit = job.max_ride_s + job.pickup_service_s
                    solver.Add(self.time.CumulVar(d_index) - self.time.CumulVar(p_index) <= limit)
            for index in indices:
                routing.AddDisjunction([index], _penalty(problem, job) * self.scale)
            allowed = [k for k, v in enumerate(problem.vehicles) if _may_serve(v, job)]
            if len(allowed) < len(problem.vehicles):
                for index in indices:  # -1: the node may still be left unperformed
                    routing.VehicleVar(index).SetValues([-1, *allowed])

    def solve(self, params: SolveParams) -> pywrapcp.Assignment | None:
        """Run the standard search within the time limit."""
        search = pywrapcp.DefaultRoutingSearchParameters()
        first = _FIRST.get(params.first_solution, "PARALLEL_CHEAPEST_INSERTION")
        meta = _META.get(params.metaheuristic, "GUIDED_LOCAL_SEARCH")
        search.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
        search.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, meta
        )
        search.time_limit.FromMilliseconds(max(1, int(params.time_limit_s * 1000)))
        if params.effort is not None:
            search.solution_limit = params.effort
        self.routing.solver().ReSeed(params.seed)
        return self.routing.SolveWithParameters(search)

    def route(self, assignment: pywrapcp.Assignment, vehicle: int) -> Route | None:
        """The timed route of one vehicle, or None when it stays at the depot."""
        routing, manager, problem = self.routing, self.manager, self.problem
        spec = problem.vehicles[vehicle]
        matrix = problem.matrices[spec.profile]
        order: list[int] = []
        index = assignment.Value(routing.NextVar(routing.Start(vehicle)))
        while not routing.IsEnd(index):
            order.append(index)
            index = assignment.Value(routing.NextVar(index))
        if not order:
            return None
        load = [0] * len(spec.capacity)
        stops: list[Stop] = []
        here = spec.start
        departure = 0
        distance = 0
        for position, index in enumerate(order):
            node = self.nodes[manager.IndexToNode(index)]
            job = node.job
            assert job is not None
            begin = int(assignment.Min(self.time.CumulVar(index)))
            travel = int(matrix.time_s[here, node.location])
            if position == 0:
                latest = int(assignment.Max(self.time.CumulVar(routing.Start(vehicle))))
                departure = max(spec.shift.start, min(latest, begin - travel))
                stops.append(
                    Stop(
                        StopKind.START,
                        spec.start,
                        None,
                        departure,
                        departure,
                        departure,
                        tuple(load),
                    )
                )
                if self.depot_loaded:
                    stops.extend(self._depot_pickups(order, departure, load))
            arrival = stops[-1].departure_s + travel
            distance += int(matrix.dist_m[here, node.location])
            sign = 1 if node.pickup else -1
            load = [x + sign * a for x, a in zip(load, job.amount, strict=True)]
            kind = StopKind.PICKUP if node.pickup else StopKind.DELIVERY
            stops.append(
                Stop(
                    kind,
                    node.location,
                    job.job_id,
                    arrival,
                    begin,
                    begin + node.service_s,
                    tuple(load),
                )
            )
            here = node.location
        back = stops[-1].departure_s + int(matrix.time_s[here, spec.end])
        distance += int(matrix.dist_m[here, spec.end])
        stops.append(Stop(StopKind.END, spec.end, None, back, back, back, tuple(load)))
        duration = back - departure
        cost = spec.fixed_cost + round(
            spec.cost_per_km * distance / 1000 + spec.cost_per_hour * duration / 3600
        )
        return Route(spec.vehicle_id, tuple(stops), distance, duration, cost)

    def _depot_pickups(self, order: list[int], departure: int, load: list[int]) -> list[Stop]:
        """The implied pickups at the depot of a depot-loaded route, all at departure."""
        stops = []
        for index in order:
            job = self.nodes[self.manager.IndexToNode(index)].job
            assert job is not None
            for d, amount in enumerate(job.amount):
                load[d] += amount
            stops.append(
                Stop(
                    StopKind.PICKUP,
                    job.pickup,
                    job.job_id,
                    departure,
                    departure,
                    departure,
                    tuple(load),
                )
            )
        return stops


def _penalty(problem: Problem, job: Job) -> int:
    """Cost of leaving ``job`` unserved, as ``Problem`` defines it."""
    extra = problem.drop_penalty_per_unit * (job.amount[0] if job.amount else 0)
    return problem.drop_penalty * job.priority + extra
