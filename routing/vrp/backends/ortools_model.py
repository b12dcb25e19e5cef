"""The OR-Tools model of a pickup-and-delivery problem: nodes, dimensions, costs, constraints.

One node per depot location and two per job (pickup, delivery), or one per job when every
job is loaded at its vehicle's depot (a plain VRPTW: no pickup nodes, loads accumulate).
Matrices are registered as C++ transit matrices (no Python callbacks during search).
Costs are multiplied by ``scale`` so that per-second and per-metre prices stay integral.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
    routing_heuristic_parameters_pb2,
    routing_ils_pb2,
)

from routing.errors import SolverError
from routing.vrp.problem import FirstSolution, Job, Metaheuristic, Problem
from routing.vrp.schedule import Visit

_FIRST = {
    FirstSolution.AUTOMATIC: routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION,
    FirstSolution.PARALLEL_CHEAPEST_INSERTION: (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    ),
    FirstSolution.LOCAL_CHEAPEST_INSERTION: (
        routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    ),
    FirstSolution.SAVINGS: routing_enums_pb2.FirstSolutionStrategy.SAVINGS,
    FirstSolution.PATH_CHEAPEST_ARC: routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC,
}
_META = {
    Metaheuristic.AUTOMATIC: routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH,
    Metaheuristic.GUIDED_LOCAL_SEARCH: (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    ),
    Metaheuristic.SIMULATED_ANNEALING: (
        routing_enums_pb2.LocalSearchMetaheuristic.SIMULATED_ANNEALING
    ),
    Metaheuristic.TABU_SEARCH: routing_enums_pb2.LocalSearchMetaheuristic.TABU_SEARCH,
    Metaheuristic.GREEDY_DESCENT: routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT,
}
_MAX_OBJECTIVE = 1 << 61
_PAIR = routing_heuristic_parameters_pb2.LocalCheapestInsertionParameters.BEST_PICKUP_DELIVERY_PAIR


@dataclass(frozen=True, slots=True)
class RuinRecreate:
    """Settings of the iterated local search (measured on Li & Lim 100, see bench/quick.py).

    Parameters
    ----------
    avg_removed
        Visits removed per ruin on average (SISR's c-bar). Default 10.
    max_string
        Longest string removed from one route (SISR's L-max). Default 10.
    pair_insertion
        Recreate inserts a pickup-delivery pair at its best joint position (True) or the
        pickup first, then the delivery (False). Default True (better distances).
    temperatures
        Initial and final temperature of the simulated-annealing acceptance, as multiples of
        the model's mean arc cost (the temperature falls exponentially between them over the
        phase's limit). Default None: OR-Tools' automatic temperatures, 0.1 and 0.001 times
        a sampled mean arc cost.
    share
        Share of the solve's budget for the phase (the rest: fleet reduction and guided local
        search from its best plan). Default 0.5.
    """

    avg_removed: int = 10
    max_string: int = 10
    pair_insertion: bool = True
    temperatures: tuple[float, float] | None = None
    share: float = 0.5


RUIN_RECREATE = RuinRecreate()
# Problems with ride limits (dial-a-ride, multi-drop charters): ten times the automatic
# temperatures and three quarters of the budget. Many recreates there fail a ride limit or make
# a detour, and with the automatic temperatures the search settles on its first good plan (the
# same plan whatever the time limit); accepting worse plans more often keeps it moving, and
# then it gains more from the time than the guided local search after it (Cordeau DARP at 30 s,
# the 9 instances with 60-96 users: summed gap 33.0 % with the automatic temperatures, 16.6 %
# with these at half the budget, 14.2 % at three quarters; bench/README.md, issue 14 phase 4).
RIDE_LIMITED = RuinRecreate(temperatures=(1.0, 0.01), share=0.75)


@dataclass(frozen=True, slots=True)
class ModelJob:
    """A job that enters the model, with the vehicles (indices) allowed to serve it."""

    job: Job
    vehicles: tuple[int, ...]


class Model:
    """An OR-Tools routing model of (part of) a problem, and the way back to visits.

    Parameters
    ----------
    problem
        The instance.
    jobs
        The jobs to model, each with its allowed vehicles.
    max_active_vehicles
        Hard limit on the number of used vehicles. Default None (no limit).
    vehicle_costs
        Whether fixed costs and ``vehicle_weight`` enter the objective. Without them (and
        with ``max_active_vehicles`` holding the fleet) guided local search weighs distances
        properly: its penalty step scales with the objective. Default True.
    """

    def __init__(
        self,
        problem: Problem,
        jobs: Sequence[ModelJob],
        *,
        max_active_vehicles: int | None = None,
        vehicle_costs: bool = True,
    ) -> None:
        self.problem = problem
        self.vehicle_costs = vehicle_costs
        self.jobs = tuple(jobs)
        self.depot_loaded = problem.depot_loaded(
            [mj.job for mj in self.jobs], allowed={mj.job.job_id: mj.vehicles for mj in self.jobs}
        )
        vehicles = problem.vehicles
        depots = sorted({v.start for v in vehicles} | {v.end for v in vehicles})
        depot_node = {loc: k for k, loc in enumerate(depots)}
        self.n_depots = len(depots)
        per_job = 1 if self.depot_loaded else 2
        n_nodes = self.n_depots + per_job * len(self.jobs)
        locs = np.zeros(n_nodes, dtype=np.int64)
        locs[: self.n_depots] = depots
        service = np.zeros(n_nodes, dtype=np.int64)
        for k, mj in enumerate(self.jobs):
            p, d = self._nodes(k)
            locs[d] = mj.job.delivery
            service[d] = mj.job.delivery_service_s
            if p is not None:
                locs[p] = mj.job.pickup
                service[p] = mj.job.pickup_service_s
        self.locs = locs
        self.manager = pywrapcp.RoutingIndexManager(
            n_nodes,
            len(vehicles),
            [depot_node[v.start] for v in vehicles],
            [depot_node[v.end] for v in vehicles],
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.horizon = self._horizon()
        self.scale = self._scale(service)
        self._add_time(service)
        self._add_costs()
        self._add_loads()
        self._add_jobs()
        if max_active_vehicles is not None:
            self.routing.SetMaximumNumberOfActiveVehicles(max_active_vehicles)

    @property
    def ruin_recreate(self) -> RuinRecreate:
        """The iterated local search's settings: ``RIDE_LIMITED`` when a job has a ride limit.

        With a vehicle weight (fewest vehicles first) the phase keeps the default share: the
        fleet reduction after it needs the rest, and only the unweighted case was measured.
        """
        if not any(mj.job.max_ride_s is not None for mj in self.jobs):
            return RUIN_RECREATE
        if self.problem.vehicle_weight > 0:
            return dataclasses.replace(RIDE_LIMITED, share=RUIN_RECREATE.share)
        return RIDE_LIMITED

    # -- layout -------------------------------------------------------------------------------

    def _nodes(self, k: int) -> tuple[int | None, int]:
        """Pickup node (None when depot-loaded) and delivery node of model job ``k``."""
        if self.depot_loaded:
            return None, self.n_depots + k
        return self.n_depots + 2 * k, self.n_depots + 2 * k + 1

    def _index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def _horizon(self) -> int:
        ends = [v.shift.end for v in self.problem.vehicles]
        ends += [mj.job.delivery_window.end for mj in self.jobs]
        ends += [mj.job.pickup_window.end for mj in self.jobs]
        return max(ends) + 1

    def _scale(self, service: npt.NDArray[np.int64]) -> int:
        """Cost multiplier (100 where it fits) keeping every objective value below 2**61."""
        problem = self.problem
        bound = sum(2 * problem.penalty(mj.job) for mj in self.jobs)
        for v in problem.vehicles:
            matrix = problem.matrices[v.profile]
            longest = int(matrix.dist_m[matrix.reachable].max(initial=0))
            arcs = len(self.locs) + 1
            bound += v.fixed_cost + problem.vehicle_weight
            bound += math.ceil(v.cost_per_km * longest / 1000 * arcs)
            bound += math.ceil(v.cost_per_hour * self.horizon / 3600)
        for scale in (100, 10, 1):
            if bound * scale < _MAX_OBJECTIVE:
                return scale
        raise SolverError(f"objective bound {bound} overflows: lower the drop penalties")

    # -- dimensions and costs -----------------------------------------------------------------

    def _add_time(self, service: npt.NDArray[np.int64]) -> None:
        problem, routing = self.problem, self.routing
        locs = self.locs
        callbacks: dict[str, int] = {}
        for profile in sorted({v.profile for v in problem.vehicles}):
            matrix = problem.matrices[profile]
            transit = matrix.time_s[np.ix_(locs, locs)] + service[:, None]
            transit[~matrix.reachable[np.ix_(locs, locs)]] = self.horizon + 1
            callbacks[profile] = routing.RegisterTransitMatrix(transit.tolist())
        evaluators = [callbacks[v.profile] for v in problem.vehicles]
        routing.AddDimensionWithVehicleTransits(
            evaluators, self.horizon, self.horizon, False, "time"
        )
        self.time = routing.GetDimensionOrDie("time")
        for index, v in enumerate(problem.vehicles):
            for node in (routing.Start(index), routing.End(index)):
                self.time.CumulVar(node).SetRange(v.shift.start, v.shift.end)
            if v.max_shift_s is not None:
                self.time.SetSpanUpperBoundForVehicle(v.max_shift_s, index)
            coefficient = round(v.cost_per_hour * self.scale / 3600)
            if coefficient > 0:
                self.time.SetSpanCostCoefficientForVehicle(coefficient, index)

    def _add_costs(self) -> None:
        problem, routing, locs = self.problem, self.routing, self.locs
        callbacks: dict[tuple[str, float], int] = {}
        means: dict[tuple[str, float], float] = {}
        for index, v in enumerate(problem.vehicles):
            key = (v.profile, v.cost_per_km)
            if key not in callbacks:
                matrix = problem.matrices[v.profile]
                dist = matrix.dist_m[np.ix_(locs, locs)].astype(np.float64)
                cost = np.rint(dist * (v.cost_per_km * self.scale / 1000)).astype(np.int64)
                unreachable = ~matrix.reachable[np.ix_(locs, locs)]
                arcs = ~unreachable & ~np.eye(len(locs), dtype=bool)
                means[key] = float(cost[arcs].mean()) if arcs.any() else 0.0
                cost[unreachable] = 10 * int(cost[~unreachable].max(initial=1)) + 1
                callbacks[key] = routing.RegisterTransitMatrix(cost.tolist())
            routing.SetArcCostEvaluatorOfVehicle(callbacks[key], index)
            if self.vehicle_costs:
                fixed = (v.fixed_cost + problem.vehicle_weight) * self.scale
                routing.SetFixedCostOfVehicle(fixed, index)
        per_vehicle = [means[(v.profile, v.cost_per_km)] for v in problem.vehicles]
        self.mean_arc_cost = sum(per_vehicle) / len(per_vehicle) if per_vehicle else 0.0

    def _unary(self, values: npt.NDArray[np.int64]) -> int:
        return int(self.routing.RegisterUnaryTransitVector(values.tolist()))

    def _add_loads(self) -> None:
        problem, routing = self.problem, self.routing
        n_nodes = len(self.locs)
        dims = len(problem.vehicles[0].capacity) if problem.vehicles else 0
        for d in range(dims):
            demand = np.zeros(n_nodes, dtype=np.int64)
            for k, mj in enumerate(self.jobs):
                p, dl = self._nodes(k)
                if p is None:
                    demand[dl] = mj.job.amount[d]
                else:
                    demand[p], demand[dl] = mj.job.amount[d], -mj.job.amount[d]
            caps = [v.capacity[d] for v in problem.vehicles]
            routing.AddDimensionWithVehicleCapacity(self._unary(demand), 0, caps, True, f"load{d}")
        if self.depot_loaded:
            return
        limits = [v.max_onboard_jobs for v in problem.vehicles]
        if any(x is not None for x in limits):
            caps = [x if x is not None else len(self.jobs) for x in limits]
            routing.AddDimensionWithVehicleCapacity(
                self._unary(self._count_demand(lambda job: True)), 0, caps, True, "onboard"
            )
        self._add_board_keys()

    def _count_demand(self, member: object) -> npt.NDArray[np.int64]:
        """+1 at the pickup, -1 at the delivery of every job for which ``member(job)``."""
        assert callable(member)
        demand = np.zeros(len(self.locs), dtype=np.int64)
        for k, mj in enumerate(self.jobs):
            if member(mj.job):
                p, d = self._nodes(k)
                assert p is not None
                demand[p], demand[d] = 1, -1
        return demand

    def _add_board_keys(self) -> None:
        """Jobs on board together share their board key.

        Keys get binary codes; per bit, one dimension counts on-board jobs whose key has the
        bit set and one those whose key has it clear. A pickup of key ``c`` requires the count
        of the opposite bit value to be zero on arrival, for every bit: then everyone on board
        has code ``c``. Plain cumul bounds, which the local-search filters check cheaply.
        """
        problem, routing = self.problem, self.routing
        keys = sorted({mj.job.board_key for mj in self.jobs if mj.job.board_key is not None})
        if len(keys) < 2 or all(v.max_onboard_jobs == 1 for v in problem.vehicles):
            return
        code = {key: c for c, key in enumerate(keys)}
        bits = max(1, math.ceil(math.log2(len(keys))))
        caps = [len(self.jobs)] * len(problem.vehicles)
        dims: list[tuple[object, object]] = []
        for b in range(bits):
            pair = []
            for value in (0, 1):

                def member(job: Job, b: int = b, value: int = value) -> bool:
                    key = job.board_key
                    return key is not None and (code[key] >> b) & 1 == value

                name = f"board_bit{b}_{value}"
                routing.AddDimensionWithVehicleCapacity(
                    self._unary(self._count_demand(member)), 0, caps, True, name
                )
                pair.append(routing.GetDimensionOrDie(name))
            dims.append((pair[0], pair[1]))
        for k, mj in enumerate(self.jobs):
            key = mj.job.board_key
            if key is None:
                continue
            p, _ = self._nodes(k)
            assert p is not None
            for b, (clear, set_) in enumerate(dims):
                other = clear if (code[key] >> b) & 1 else set_
                other.CumulVar(self._index(p)).SetRange(0, 0)  # type: ignore[attr-defined]

    def _add_jobs(self) -> None:
        problem, routing, solver = self.problem, self.routing, self.routing.solver()
        everyone = len(problem.vehicles)
        for k, mj in enumerate(self.jobs):
            job = mj.job
            p, d = self._nodes(k)
            penalty = problem.penalty(job) * self.scale
            d_index = self._index(d)
            self.time.CumulVar(d_index).SetRange(job.delivery_window.start, job.delivery_window.end)
            indices = [d_index]
            if p is not None:
                p_index = self._index(p)
                indices.append(p_index)
                self.time.CumulVar(p_index).SetRange(job.pickup_window.start, job.pickup_window.end)
                routing.AddPickupAndDelivery(p_index, d_index)
                solver.Add(routing.VehicleVar(p_index) == routing.VehicleVar(d_index))
                if job.max_ride_s is not None:
                    limit = job.max_ride_s + job.pickup_service_s
                    self.time.AddNodePrecedence(d_index, p_index, -limit)
            for index in indices:
                routing.AddDisjunction([index], penalty)
                if len(mj.vehicles) < everyone:  # -1: unperformed
                    routing.VehicleVar(index).SetValues([-1, *mj.vehicles])

    # -- search -------------------------------------------------------------------------------

    def search(
        self,
        *,
        time_limit_s: float,
        solution_limit: int | None,
        first_solution: FirstSolution = FirstSolution.AUTOMATIC,
        metaheuristic: Metaheuristic = Metaheuristic.AUTOMATIC,
        improve: bool = False,
        initial: pywrapcp.Assignment | None = None,
    ) -> pywrapcp.Assignment | None:
        """Run one search phase; None when no solution was found.

        With the automatic metaheuristic (and no ``initial``), an iterated local search:
        ruin (SISR string removals) and recreate (cheapest insertion), accepted by simulated
        annealing (settings: ``ruin_recreate``); ``improve`` adds a local-search descent after
        each recreate. Otherwise a classic local search with the named metaheuristic, from
        ``initial`` if given.
        (The iterated local search cannot start from a given solution and does not honour
        search monitors, so each phase starts afresh and runs to its limit.)
        """
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = _FIRST[first_solution]
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
        if solution_limit is not None:
            params.solution_limit = solution_limit
        routing = self.routing
        ruin_recreate = metaheuristic is Metaheuristic.AUTOMATIC and initial is None
        if not ruin_recreate:
            meta = (
                Metaheuristic.GUIDED_LOCAL_SEARCH
                if metaheuristic is Metaheuristic.AUTOMATIC
                else metaheuristic
            )
            params.local_search_metaheuristic = _META[meta]
            if initial is not None:
                return routing.SolveFromAssignmentWithParameters(initial, params)
            return routing.SolveWithParameters(params)
        params.local_search_metaheuristic = _META[Metaheuristic.GREEDY_DESCENT]
        params.use_iterated_local_search = True
        ils = params.iterated_local_search_parameters
        ils.perturbation_strategy = routing_ils_pb2.PerturbationStrategy.RUIN_AND_RECREATE
        ils.improve_perturbed_solution = improve
        rr = ils.ruin_recreate_parameters
        del rr.ruin_strategies[:]
        settings = self.ruin_recreate
        sisr = rr.ruin_strategies.add().sisr
        sisr.max_removed_sequence_size = settings.max_string
        sisr.avg_num_removed_visits = settings.avg_removed
        sisr.bypass_factor = 0.01
        rr.recreate_strategy.heuristic = (
            routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
        )
        if settings.pair_insertion:
            insertion = rr.recreate_strategy.parameters.local_cheapest_insertion
            insertion.pickup_delivery_strategy = _PAIR
        accept = ils.reference_solution_acceptance_strategy
        accept.Clear()
        accept.simulated_annealing.cooling_schedule_strategy = (
            routing_ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
        )
        if settings.temperatures is None or self.mean_arc_cost <= 0:
            accept.simulated_annealing.automatic_temperatures = True
        else:
            initial, final = settings.temperatures
            accept.simulated_annealing.initial_temperature = initial * self.mean_arc_cost
            accept.simulated_annealing.final_temperature = final * self.mean_arc_cost
        return routing.SolveWithIteratedLocalSearch(params)

    def visits(self, assignment: pywrapcp.Assignment) -> list[list[Visit]]:
        """The job stops of every vehicle's route, in driving order."""
        routing, manager = self.routing, self.manager
        out: list[list[Visit]] = []
        for vehicle in range(len(self.problem.vehicles)):
            index = routing.Start(vehicle)
            picked: list[Visit] = []
            dropped: list[Visit] = []
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                k, pickup = self._job_of(node)
                job = self.jobs[k].job
                if self.depot_loaded:
                    picked.append(Visit(job, True))
                    dropped.append(Visit(job, False))
                else:
                    dropped.append(Visit(job, pickup))
                index = assignment.Value(routing.NextVar(index))
            out.append(picked + dropped)
        return out

    def _job_of(self, node: int) -> tuple[int, bool]:
        offset = node - self.n_depots
        if self.depot_loaded:
            return offset, False
        return offset // 2, offset % 2 == 0

    def assignment_from(self, routes: Sequence[Sequence[Visit]]) -> pywrapcp.Assignment | None:
        """An assignment that drives the given routes (per vehicle), or None if impossible."""
        position = {mj.job.job_id: k for k, mj in enumerate(self.jobs)}
        indices: list[list[int]] = []
        for visits in routes:
            path = []
            for visit in visits:
                k = position.get(visit.job.job_id)
                if k is None:
                    continue
                p, d = self._nodes(k)
                if visit.pickup and p is not None:
                    path.append(self._index(p))
                elif not visit.pickup:
                    path.append(self._index(d))
            indices.append(path)
        return self.routing.ReadAssignmentFromRoutes(indices, True)

    def objective(self, assignment: pywrapcp.Assignment) -> int:
        """The model's objective value of an assignment (scaled)."""
        return int(assignment.ObjectiveValue())
