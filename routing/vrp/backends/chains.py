"""Point-to-point trip chaining: the fewest vehicles when each vehicle carries one job at a time.

With ``max_onboard_jobs = 1`` (``mixing = none``) a vehicle's day is a chain of whole trips —
board at the pickup, ride, unload at the delivery, drive empty to the next pickup — so a job
is one node with a duration, not a pickup and a delivery that a search must keep together.
This is the vehicle-scheduling view of the problem, and it makes each move cheap: whether a
trip fits between two others is a constant-time test on the earliest free time of the one
before and the latest start of the one after, computed for every gap of every route at once
with numpy; only the few candidates that pass are timed in full (shift length included).

The search (generic over ``routing.Problem``):

1. **Construction** — trips by earliest start, each put where it adds the least empty driving;
   a new vehicle only when no used one can take it. Trips that fit nowhere then take the
   place of others (ejection, as below) if that leaves fewer drop penalties.
2. **Route elimination** with an ejection pool (after Nagata and Bräysy's route minimisation
   heuristic for the VRPTW): empty the route with the fewest trips into a pool; take trips
   from the pool and insert them into the other routes; when one fits nowhere, put it in
   place of one or two trips of a route (the ones that failed least often so far, by
   penalty counters), or where the shift limit breaks, in place of the route's first or
   last trip, and put those back into the pool; random relocations between routes keep the
   search moving. The pool emptied means one vehicle less; an attempt that runs out of its
   iterations (``ATTEMPT_SHARE`` of the effort; without an effort budget,
   ``ATTEMPT_TIME_SHARE`` of the search time left once every trip is served, else
   ``MIN_ATTEMPT``) is undone and another route is tried.
3. **Polish** — single trips moved to the gap of a used route where they add the least
   empty driving, for at most ``POLISH_ROUNDS`` rounds (the vehicle count stays).
4. **Vehicles and cost** — each chain gets a vehicle by a minimum-cost assignment
   (``scipy.optimize.linear_sum_assignment``) among the vehicles able to drive it, and every
   route is timed exactly by ``routing.vrp.schedule.build_route`` (a chain that does not
   time is a bug: ``SolverError``).

Budget: ``SolveParams.effort`` × ``EFFORT_ITERATIONS`` pool iterations (deterministic for a
seed) or ``time_limit_s`` less ``POLISH_SHARE`` of it, whichever comes first; the polish
rounds are bounded by their count and the full time limit. Jobs no vehicle can serve alone
(``routing.vrp.servability``) are left unassigned, as by the solver.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from routing.errors import SolverError
from routing.vrp.backends.chain_kernels import chain_fits, refresh_route, splice
from routing.vrp.backends.trips import Trip, best_pooled, pooled_trip, savings_pools, single_trip
from routing.vrp.budget import Budget
from routing.vrp.features import chainable, poolable
from routing.vrp.problem import Problem, Route, Solution, SolveParams, WarmStart
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Servability, servable

logger = logging.getLogger(__name__)

EFFORT_ITERATIONS = 20  # pool iterations per unit of SolveParams.effort
ATTEMPT_SHARE = 0.05  # most of the iterations one route elimination may take (share of all)
MIN_ATTEMPT = 300  # ... but at least this many
ATTEMPT_TIME_SHARE = 0.1  # without effort, every trip served: most of the search time left one
# may take (at least MIN_ATTEMPT iterations); on the 20,000-worker day at 30 s: 0.05 gave 335
# buses (5 runs), 0.1 334. With trips left out, MIN_ATTEMPT: longer attempts there took the time
# that serves them (sparse days, bench.sparse seeds 1-2 at 30 s: 1.2-1.6 points fewer served)
_NO_LIMIT = 2**62  # iterations of an attempt bounded by time only
PERTURB_MOVES = 3  # random relocations after each ejection
POLISH_ROUNDS = 5  # most rounds of single-trip moves against empty driving
RESCUE_ROUNDS = 20  # ejections per trip left out by construction (and pool passes)
POLISH_SHARE = 0.1  # of the time limit kept for them (they do not count against effort)
_INF = math.inf
_NEW_ROUTE = 1e9  # added cost of opening an idle vehicle (seconds): used routes come first
RUIN_ROUTES = 2  # routes emptied per ruin-and-recreate step
RELOCATE_TRIES = 8  # served trips an open one may displace to a gap elsewhere, cheapest first
POOL_WINDOW_SLACK_S = 3600.0  # boarding windows this far apart may still merge (pre-filter)
POOL_MAX_ADDED = 0.8  # a group joins a pooled trip only if that adds < this share of its own trip
MERGE_MIN_GAIN_S = 60.0  # a served trip joins another only if that saves this much time
POOL_CAPACITY_QUANTILE = 0.9  # pooled trips before chaining fit 10 % of the fleet at least
POOL_MIN_SAVING_S = 120.0  # least drive a merge of the savings method must save
STABLE_CANDIDATES = 20  # warm start: cheapest gaps checked for pushing the next trip later

FloatGrid = npt.NDArray[np.float64]
IntGrid = npt.NDArray[np.int64]


_SPLICES = ("insert", "replace1", "replace2", "drop_first", "drop_last")


class _Grid:
    """One way of splicing a trip into every route, as arrays (row = vehicle, column =
    position): the prefix kept before the trip and the suffix kept after it, and the trips
    taken out (``-1`` for none). Cells past a route's positions have ``late = -inf``. The
    arrays are views of ``_Grids``, which holds all five ways."""

    def __init__(self, grids: _Grids, index: int) -> None:
        self.index = index
        self.pre_d, self.pre_e, self.pre_c, self.late, self.suf_d, self.suf_e = grids.floats[
            :, index
        ]
        self.prev, self.next, self.out1, self.out2 = grids.ints[:, index]


class _Grids:
    """The splice grids of all five ways (second axis, in ``_SPLICES`` order): ``floats``
    holds pre_d, pre_e, pre_c, late, suf_d and suf_e, ``ints`` prev, next, out1 and out2."""

    def __init__(self, m: int, width: int) -> None:
        shape = (len(_SPLICES), m, width)
        lowest, highest = np.full(shape, -_INF), np.full(shape, _INF)
        zero = np.zeros(shape)
        self.floats = np.stack([zero, lowest, highest, lowest, zero, lowest])
        self.ints = np.stack(
            [np.zeros(shape, dtype=np.int64)] * 2 + [np.full(shape, -1, dtype=np.int64)] * 2
        )
        self.by_name = {name: _Grid(self, g) for g, name in enumerate(_SPLICES)}


class Chains:
    """A set of trip chains, one per vehicle (empty when unused), with the search moves.

    Parameters
    ----------
    problem
        A problem where ``chainable(problem)`` holds.
    servability
        ``routing.vrp.servability.servable(problem)``. Default None (computed).
    seed
        Seed of the random choices. Default 0.
    """

    def __init__(
        self,
        problem: Problem,
        servability: Mapping[str, Servability] | None = None,
        *,
        seed: int = 0,
        spare: int = 0,
        pool: bool = False,
    ) -> None:
        vehicles = problem.vehicles
        if not (poolable(problem) if pool else chainable(problem)):
            raise ValueError(
                "trip chaining needs one vehicle profile and vehicles that carry one job at a "
                "time (pooling: jobs that share a board key share their pickup)"
            )
        self.problem = problem
        self.rng = np.random.default_rng(seed)
        self.options = servability if servability is not None else servable(problem)
        matrix = problem.matrices[vehicles[0].profile]
        time_s = np.where(matrix.reachable, matrix.time_s, np.inf).astype(np.float64)
        self.time_np = time_s
        self.dist_np = np.where(matrix.reachable, matrix.dist_m, 0).astype(np.float64)
        self.time = time_s.tolist()
        self.dist = self.dist_np.tolist()
        m = len(vehicles)
        self.m = m
        self.capacity = np.array([v.capacity for v in vehicles], dtype=np.int64).reshape(m, -1)
        self.onboard = np.array(
            [np.inf if v.max_onboard_jobs is None else v.max_onboard_jobs for v in vehicles]
        )
        self.servable_on = np.zeros((len(problem.jobs), m), dtype=bool)
        for i, job in enumerate(problem.jobs):
            self.servable_on[i, list(self.options[job.job_id].vehicles)] = True
        # trips (the units chained): one per job to start with, more appended when pooling
        self.trips: list[Trip] = []
        self.a: list[float] = []
        self.b: list[float] = []
        self.go: list[float] = []
        self.opens: list[float] = []
        self.unload: list[float] = []
        self.s: list[int] = []
        self.e: list[int] = []
        self.penalty: list[float] = []
        self.retired: list[bool] = []
        self.where: list[int] = []
        self.allowed = np.zeros((0, m), dtype=bool)
        # the same trip columns as arrays, for the compiled loops (rows past ``n`` unused)
        self.cols = np.zeros((5, 0))  # a, b, go, opens, unload
        self.ends = np.zeros((2, 0), dtype=np.int64)  # s, e
        for k in range(len(problem.jobs)):
            self.add_trip(single_trip(problem, k, time_s), reserve=len(problem.jobs) + spare)
        self.np_a = np.array(self.a)
        self.np_b = np.array(self.b)
        self.pool = pool  # jobs with a board key may share trips (``absorb``)
        self.at_pickup: dict[int, list[int]] = {}
        for k in range(self.n):
            self.at_pickup.setdefault(self.s[k], []).append(k)
        self.vo = [v.start for v in vehicles]
        self.vd = [v.end for v in vehicles]
        self.alpha = [float(v.shift.start) for v in vehicles]
        self.omega = [float(v.shift.end) for v in vehicles]
        self.span = [_INF if v.max_shift_s is None else float(v.max_shift_s) for v in vehicles]
        self.alpha_np = np.array(self.alpha)[:, None]
        self.span_np = np.array(self.span)[:, None]
        self.alpha_flat = np.array(self.alpha)
        self.span_flat = np.array(self.span)
        self.kind = [self._kind(v) for v in range(m)]
        kinds: dict[tuple[object, ...], int] = {}
        self.kind_id = np.array([kinds.setdefault(kind, len(kinds)) for kind in self.kind])
        self.routes: list[list[int]] = [[] for _ in range(m)]
        self.used = np.zeros(m, dtype=bool)
        self.in_service = np.zeros(m, dtype=bool)  # count as used without trips (warm start)
        self.stable = False  # warm start: prefer gaps that start no later trip later
        self.lengths = np.zeros(m, dtype=np.int64)
        self.width = 0
        self.grid_arrays = _Grids(m, 0)
        self.grids: dict[str, _Grid] = {}
        self._allocate(8)

    @property
    def n(self) -> int:
        """Trips known (served, unserved or retired)."""
        return len(self.trips)

    def add_trip(self, trip: Trip, *, reserve: int = 0) -> int:
        """Append ``trip`` (its vehicles: those that could serve each member alone, have room
        for its load and for its jobs on board); its index."""
        k = len(self.trips)
        if k >= self.allowed.shape[0]:
            grown = np.zeros((max(reserve, 2 * k + 8), self.m), dtype=bool)
            grown[:k] = self.allowed[:k]
            self.allowed = grown
            cols = np.zeros((5, grown.shape[0]))
            cols[:, :k] = self.cols[:, :k]
            self.cols = cols
            ends = np.zeros((2, grown.shape[0]), dtype=np.int64)
            ends[:, :k] = self.ends[:, :k]
            self.ends = ends
        row = self.servable_on[list(trip.jobs)].all(axis=0)
        row &= (self.capacity >= np.array(trip.amount, dtype=np.int64)).all(axis=1)
        row &= self.onboard >= len(trip.jobs)
        if not (math.isfinite(trip.go) and trip.earliest <= trip.latest):
            row[:] = False
        self.allowed[k] = row
        self.cols[:, k] = (trip.earliest, trip.latest, trip.go, trip.opens, trip.unload)
        self.ends[:, k] = (trip.pickup, trip.last)
        self.trips.append(trip)
        self.a.append(trip.earliest)
        self.b.append(trip.latest)
        self.go.append(trip.go)
        self.opens.append(trip.opens)
        self.unload.append(trip.unload)
        self.s.append(trip.pickup)
        self.e.append(trip.last)
        self.penalty.append(
            float(sum(self.problem.penalty(self.problem.jobs[j]) for j in trip.jobs))
        )
        self.retired.append(False)
        self.where.append(-1)
        return k

    # ------------------------------------------------------------------ timing of one chain

    def _kind(self, v: int) -> tuple[object, ...]:
        """Everything about vehicle ``v`` that matters to a chain."""
        return (
            self.vo[v],
            self.vd[v],
            self.alpha[v],
            self.omega[v],
            self.span[v],
            self.allowed[:, v].tobytes(),
        )

    def end_of(self, k: int, start: float) -> float:
        """When trip ``k`` ends (unloading done) if boarding starts at ``start``."""
        return float(max(start + self.go[k], self.opens[k]) + self.unload[k])

    def latest(self, v: int, seq: Sequence[int]) -> list[float]:
        """Latest boarding starts of ``seq`` that still let the rest of the chain (and the
        return by the end of the shift) keep every window (``-inf`` where none does)."""
        out = [0.0] * len(seq)
        limit, loc, time_s = self.omega[v], self.vd[v], self.time
        for idx in range(len(seq) - 1, -1, -1):
            k = seq[idx]
            finish = limit - time_s[self.e[k]][loc]  # latest end of k
            x = min(self.b[k], finish - self.go[k] - self.unload[k])
            if self.opens[k] + self.unload[k] > finish:
                x = -_INF
            out[idx] = x
            limit, loc = x, self.s[k]
        return out

    def fits(self, v: int, seq: Sequence[int]) -> bool:
        """Whether vehicle ``v`` can drive ``seq`` (allowed, windows, shift window and limit)."""
        order = np.array(seq, dtype=np.int64)
        if not self.allowed[order, v].all():
            return False
        return bool(
            chain_fits(
                order, self.time_np, self.cols, self.ends, self.vo[v], self.vd[v],
                self.alpha[v], self.omega[v], self.span[v],
            )
        )  # fmt: skip

    # ------------------------------------------------------------------ splices of all routes

    def _allocate(self, width: int) -> None:
        """(Re)allocate the splice grids (row = vehicle, column = position)."""
        self.width = width
        self.grid_arrays = _Grids(self.m, width)
        self.grids = self.grid_arrays.by_name
        for v in range(self.m):
            self.refresh(v)

    def refresh(self, v: int) -> None:
        """Recompute route ``v``'s splices after a change."""
        seq = self.routes[v]
        size = len(seq)
        if size + 1 > self.width:
            self._allocate(2 * self.width)
            return
        order = np.array(seq, dtype=np.int64)
        if seq and not chain_fits(
            order, self.time_np, self.cols, self.ends, self.vo[v], self.vd[v], self.alpha[v],
            self.omega[v], _INF,
        ):  # fmt: skip
            raise SolverError(f"chain of vehicle {v} lost its timing (a search bug)")
        refresh_route(
            v, order, self.vo[v], self.vd[v], self.omega[v], self.time_np, self.cols, self.ends,
            self.grid_arrays.floats, self.grid_arrays.ints,
        )  # fmt: skip
        self.used[v] = bool(seq)
        self.lengths[v] = size
        for k in seq:
            self.where[k] = v

    def _splice(
        self, k: int, grid: _Grid, *, used_only: bool
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Cells ``(vehicles, columns)`` of ``grid`` where trip ``k`` fits between the prefix
        and the suffix (exact: windows, shift window, allowed vehicle, shift limit)."""
        rows = self.allowed[k] & self.used if used_only else self.allowed[k]
        return splice(
            grid.index, rows, self.lengths, k, self.time_np, self.alpha_flat, self.span_flat,
            self.cols, self.ends, self.grid_arrays.floats, self.grid_arrays.ints,
        )  # fmt: skip

    # ------------------------------------------------------------------ moves

    def insertions(self, k: int, *, idle: bool) -> tuple[IntGrid, IntGrid]:
        """Feasible gaps (vehicles, positions) for trip ``k``, cheapest first (added empty
        driving; idle vehicles last, one per kind)."""
        grid = self.grids["insert"]
        vs, ps = self._splice(k, grid, used_only=not idle)
        if vs.size == 0:
            return vs, ps
        t = self.time_np
        prev, nxt = grid.prev[vs, ps], grid.next[vs, ps]
        added = t[prev, self.s[k]] + t[self.e[k], nxt] - t[prev, nxt]
        used = self.used[vs] | self.in_service[vs]  # in service: used earlier in the day
        added = np.where(used, added, added + _NEW_ROUTE)
        order = np.lexsort((self.rng.random(vs.size), added))
        vs, ps, used = vs[order], ps[order], used[order]
        if not used.all():  # one idle vehicle of each kind: the first in the order
            idle_at = np.flatnonzero(~used)
            _, first = np.unique(self.kind_id[vs[idle_at]], return_index=True)
            keep = used.copy()
            keep[idle_at[first]] = True
            vs, ps = vs[keep], ps[keep]
        return self._least_pushing(k, vs, ps) if self.stable else (vs, ps)

    def _least_pushing(self, k: int, vs: IntGrid, ps: IntGrid) -> tuple[IntGrid, IntGrid]:
        """Warm start: among the cheapest gaps, first those where ``k`` starts the trip after
        it no later (so nothing else changes), then the others, each in cost order."""
        head = min(STABLE_CANDIDATES, int(vs.size))
        starts: dict[int, list[float]] = {}

        def pushes(v: int, p: int) -> bool:
            seq = self.routes[v]
            if p >= len(seq):
                return False
            if v not in starts:
                starts[v] = self._starts(v, seq)
            return self._starts(v, [*seq[:p], k, *seq[p:]])[p + 1] > starts[v][p] + 1e-6

        late = np.array([pushes(int(vs[i]), int(ps[i])) for i in range(head)], dtype=bool)
        order = np.concatenate([np.argsort(late, kind="stable"), np.arange(head, vs.size)])
        return vs[order], ps[order]

    def _starts(self, v: int, seq: Sequence[int]) -> list[float]:
        """Earliest boarding start of each trip of a chain that fits vehicle ``v``."""
        t, loc, time_s = self.alpha[v], self.vo[v], self.time
        out: list[float] = []
        for k in seq:
            x = max(self.a[k], t + time_s[loc][self.s[k]])
            out.append(x)
            t, loc = max(x + self.go[k], self.opens[k]) + self.unload[k], self.e[k]
        return out

    def _apply(self, v: int, trial: list[int]) -> list[int]:
        """Make ``trial`` route ``v`` (checked once more in full); the trips it drops."""
        if not self.fits(v, trial):
            raise SolverError(f"a splice into the chain of vehicle {v} does not fit (a bug)")
        kept = set(trial)
        out = [t for t in self.routes[v] if t not in kept]
        for t in out:
            self.where[t] = -1
        self.routes[v] = trial
        self.refresh(v)
        return out

    def insert(self, k: int, *, idle: bool) -> bool:
        """Put trip ``k`` in its cheapest feasible gap; False if there is none."""
        vs, ps = self.insertions(k, idle=idle)
        if vs.size == 0:
            return False
        v, p = int(vs[0]), int(ps[0])
        seq = self.routes[v]
        self._apply(v, [*seq[:p], k, *seq[p:]])
        return True

    def removable(self, k: int) -> bool:
        """Whether trip ``k``'s route still fits without it: not always so when the drive
        from the trip before ``k`` to the one after is missing or longer than through ``k``
        (an unreachable pair, travel times that break the triangle inequality)."""
        v = self.where[k]
        rest = [t for t in self.routes[v] if t != k]
        return not rest or self.fits(v, rest)

    def take_out(self, k: int) -> None:
        """Remove trip ``k`` from its route (which must fit without it: ``removable``)."""
        v = self.where[k]
        self.routes[v].remove(k)
        self.where[k] = -1
        self.refresh(v)

    def eject(self, k: int, penalty: npt.NDArray[np.float64]) -> list[int] | None:
        """Put trip ``k`` in place of one or two trips of a route — those with the lowest
        penalty sum (``penalty[-1]`` must be 0) — and return them; None if nothing fits."""
        best: tuple[float, str, int, int] | None = None
        for name in _SPLICES[1:]:
            grid = self.grids[name]
            vs, qs = self._splice(k, grid, used_only=True)
            if vs.size == 0:
                continue
            weight = penalty[grid.out1[vs, qs]] + penalty[grid.out2[vs, qs]]
            weight = weight + 1e-3 * self.rng.random(vs.size)  # random among equals
            i = int(np.argmin(weight))
            if best is None or weight[i] < best[0]:
                best = (float(weight[i]), name, int(vs[i]), int(qs[i]))
        if best is None:
            return None
        _, name, v, q = best
        return self._apply(v, _trial(self.routes[v], k, name, q))

    def perturb(self, moves: int) -> None:
        """Move random trips to random feasible gaps of other routes."""
        for _ in range(moves):
            k = int(self.rng.integers(self.n))
            v = self.where[k]
            if v < 0:
                continue
            vs, ps = self.insertions(k, idle=False)
            elsewhere = vs != v
            if not elsewhere.any():
                continue
            if not self.removable(k):
                continue
            vs, ps = vs[elsewhere], ps[elsewhere]
            pick = int(self.rng.integers(vs.size))
            w, p = int(vs[pick]), int(ps[pick])
            self.take_out(k)
            seq = self.routes[w]
            self._apply(w, [*seq[:p], k, *seq[p:]])

    # ------------------------------------------------------------------ search

    def construct(self, budget: Budget) -> None:
        """Every servable trip, by earliest start, where it adds the least empty driving."""
        order = np.lexsort((self.np_b, self.np_a)).tolist()
        for k in order:
            if budget.past_end():
                return
            if self.open(k) and not self.insert(k, idle=True):
                logger.debug("construction: trip %d fits no vehicle", k)

    def open(self, k: int) -> bool:
        """Whether trip ``k`` is unserved, still current (not merged into another) and
        servable by some vehicle."""
        return self.where[k] < 0 and not self.retired[k] and bool(self.allowed[k].any())

    def unserved(self) -> list[int]:
        """The open trips (see ``open``), in index order."""
        return [k for k in range(self.n) if self.open(k)]

    def unserved_penalty(self) -> float:
        """Drop penalties of the servable trips left out."""
        return sum(self.penalty[k] for k in self.unserved())

    def rescue(self, budget: Budget, *, rounds: int = RESCUE_ROUNDS) -> None:
        """Serve the trips construction left out by ejecting others (any vehicle, idle
        ones included); kept only if the drop penalties of what is left out fall. Each
        ejection is a step of the budget."""
        pool = self.unserved()
        if not pool:
            return
        before = self.unserved_penalty()
        backup = [list(r) for r in self.routes]
        penalty = np.ones(self.n + 1)
        penalty[-1] = 0.0
        tried: dict[int, int] = {}
        for _ in range(rounds * len(pool)):
            if not pool or not budget.searching():
                break
            k = pool.pop()
            if self.insert(k, idle=True):
                continue
            tried[k] = tried.get(k, 0) + 1
            budget.spend()
            penalty[k] += 1.0
            out = self.eject(k, penalty) if tried[k] <= rounds else None
            if out is not None:
                pool = [*out, *pool]
        if self.unserved_penalty() >= before:
            self.routes = backup
            self.where = [-1] * self.n
            for v in range(self.m):
                self.refresh(v)
        logger.debug("rescue: penalty %d -> %d", before, self.unserved_penalty())

    def empty_driving(self) -> float:
        """Seconds driven empty by all used vehicles (depot legs included)."""
        t = self.time
        total = 0.0
        for v, seq in enumerate(self.routes):
            if not seq:
                continue
            stops = [self.vo[v], *(x for k in seq for x in (self.s[k], self.e[k])), self.vd[v]]
            total += sum(t[stops[i]][stops[i + 1]] for i in range(0, len(stops), 2))
        return total

    def polish(self, budget: Budget, *, rounds: int = POLISH_ROUNDS) -> None:
        """Move single trips to the gap of a used route where they add the least empty
        driving (their own gap included, so nothing gets worse), round after round while
        the empty driving falls; routes are never emptied, so the vehicle count stays."""
        before = self.empty_driving()
        for _ in range(rounds):
            for k in self.rng.permutation(self.n).tolist():
                if budget.past_end():
                    return
                v = self.where[k]
                if v < 0 or len(self.routes[v]) < 2 or not self.removable(k):
                    continue
                self.take_out(k)
                if not self.insert(k, idle=False):
                    raise SolverError(f"trip {k} fits nowhere after leaving its route (a bug)")
            after = self.empty_driving()
            if after >= before - 1.0:
                return
            before = after

    def count(self) -> int:
        """Vehicles used."""
        return int(self.used.sum())

    def eliminate(self, budget: Budget, *, attempt: int, attempt_s: float = _INF) -> None:
        """Remove routes one at a time with the ejection pool (see the module docstring): an
        attempt ends after ``attempt`` pool iterations or, after ``MIN_ATTEMPT``, ``attempt_s``
        seconds, whichever comes first."""
        penalty = np.ones(self.n + 1)
        penalty[-1] = 0.0  # "no trip" in the grids
        failed: set[int] = set()
        while budget.searching():
            candidates = [v for v in range(self.m) if self.used[v] and v not in failed]
            if len(candidates) == 0 or self.count() <= 1:
                return
            sizes = np.array([len(self.routes[v]) for v in candidates], dtype=np.float64)
            pick = candidates[int(np.argmin(sizes + self.rng.random(sizes.size)))]
            backup = [list(r) for r in self.routes]
            pool = list(self.routes[pick])
            self.routes[pick] = []
            for k in pool:
                self.where[k] = -1
            self.refresh(pick)
            column = self.allowed[:, pick].copy()
            self.allowed[:, pick] = False  # the emptied vehicle stays out
            spent = 0
            began = time.monotonic()
            while (
                pool
                and spent < attempt
                and budget.searching()
                and (spent < MIN_ATTEMPT or time.monotonic() - began < attempt_s)
            ):
                spent += 1
                budget.spend()
                k = pool.pop()
                if self.insert(k, idle=False):
                    continue
                penalty[k] += 1.0
                out = self.eject(k, penalty)
                if out is None:
                    pool.insert(0, k)
                else:
                    pool.extend(out)
                self.perturb(PERTURB_MOVES)
            self.allowed[:, pick] = column
            if pool:
                failed.add(pick)
                changed = [v for v in range(self.m) if self.routes[v] != backup[v]]
                for k in pool:
                    self.where[k] = -1
                self.routes = backup
                for v in changed:
                    self.refresh(v)
                logger.debug("elimination failed after %d iterations", spent)
            else:
                failed.clear()
                logger.debug("eliminated a route in %d iterations: %d left", spent, self.count())

    # ------------------------------------------------------------------ serving more

    def _exchange_cell(self, k: int) -> tuple[float, str, int, int] | None:
        """The splice that puts open trip ``k`` in place of served trips of the least total
        penalty, if that penalty is below ``k``'s: ``(gain, grid, vehicle, column)``."""
        pen = np.array([*self.penalty, 0.0])  # column -1 of the grids: no trip
        best: tuple[float, str, int, int] | None = None
        for name in _SPLICES[1:]:
            grid = self.grids[name]
            vs, qs = self._splice(k, grid, used_only=True)
            if vs.size == 0:
                continue
            gain = self.penalty[k] - pen[grid.out1[vs, qs]] - pen[grid.out2[vs, qs]]
            i = int(np.argmax(gain))
            if gain[i] > 0.5 and (best is None or gain[i] > best[0]):
                best = (float(gain[i]), name, int(vs[i]), int(qs[i]))
        return best

    def _relocate_for(self, k: int, tries: int = RELOCATE_TRIES) -> bool:
        """Serve open trip ``k`` in place of one served trip that then moves to a gap
        elsewhere (cheapest displaced first, at most ``tries``); False if none works."""
        grid = self.grids["replace1"]
        vs, qs = self._splice(k, grid, used_only=True)
        if vs.size == 0:
            return False
        out = grid.out1[vs, qs]
        pen = np.array(self.penalty)[out]
        for i in np.lexsort((out, pen))[:tries].tolist():
            v, q = int(vs[i]), int(qs[i])
            backup = list(self.routes[v])
            displaced = self._apply(v, _trial(backup, k, "replace1", q))
            if all(self.insert(t, idle=True) for t in displaced):
                return True
            # undo: only the displaced trips went into other routes, so without all of them
            # those routes are as they were (taking them out one by one need not fit)
            gone = set(displaced)
            touched = {self.where[t] for t in displaced if self.where[t] >= 0} - {v}
            for t in displaced:
                self.where[t] = -1
            for w in touched:
                self.routes[w] = [t for t in self.routes[w] if t not in gone]
            self.where[k] = -1
            self.routes[v] = backup
            for w in sorted({v, *touched}):  # refresh places each route's trips again
                self.refresh(w)
        return False

    def exchange(self, budget: Budget) -> None:
        """Serve more: each open trip (largest penalty first) goes into a free gap, or in
        place of served trips with a smaller penalty sum (which then try the free gaps), or
        in place of one trip that moves elsewhere; passes repeat while anything changes."""
        changed = True
        while changed and budget.searching():
            changed = False
            for k in sorted(self.unserved(), key=lambda t: (-self.penalty[t], t)):
                if not budget.searching():
                    return
                if not self.open(k):
                    continue
                budget.spend()
                if self.best_placement(k) if self.pool else self.insert(k, idle=True):
                    changed = True
                    continue
                best = self._exchange_cell(k)
                if best is not None:
                    _, name, v, q = best
                    for t in self._apply(v, _trial(self.routes[v], k, name, q)):
                        if not self.insert(t, idle=True):
                            self.absorb(t)
                    changed = True
                elif self._relocate_for(k):
                    changed = True
            self.dissolve()

    def _ruin(self, v: int) -> None:
        """Empty route ``v``: its trips become open (pooled ones fall apart into their jobs)."""
        for k in list(self.routes[v]):
            self.where[k] = -1
        self.routes[v] = []
        self.refresh(v)
        self.dissolve()

    def recreate(self, budget: Budget) -> None:
        """Serve open trips, largest penalty first, where each takes least vehicle time."""
        for k in sorted(self.unserved(), key=lambda t: (-self.penalty[t], t)):
            if not budget.searching():
                return
            budget.spend()
            if self.open(k):
                placed = self.best_placement(k) if self.pool else self.insert(k, idle=True)
                if not placed:
                    continue

    def ruin_and_recreate(self, budget: Budget, *, routes: int = RUIN_ROUTES) -> None:
        """Large-neighbourhood search while the budget lasts: empty ``routes`` random used
        routes and serve the open trips again (``recreate``, then ``exchange``); kept when the
        drop penalties of what is left out fall, else undone."""
        while budget.searching() and self.unserved():
            used = [v for v in range(self.m) if self.used[v]]
            if not used:
                return
            before = self.unserved_penalty()
            backup = [list(r) for r in self.routes]
            retired = list(self.retired)
            picks = self.rng.choice(len(used), size=min(routes, len(used)), replace=False)
            for i in sorted(picks.tolist()):
                self._ruin(used[i])
            self.recreate(budget)
            after = self.unserved_penalty()
            if after < before - 0.5:
                logger.debug("ruin and recreate: penalty %.0f -> %.0f", before, after)
                continue
            self.retired = retired + [True] * (self.n - len(retired))
            changed = [v for v in range(self.m) if self.routes[v] != backup[v]]
            for k in range(self.n):
                self.where[k] = -1
            self.routes = backup
            for v in range(self.m):
                for k in self.routes[v]:
                    self.where[k] = v
            for v in changed:
                self.refresh(v)

    # ------------------------------------------------------------------ pooling

    def _new_trip(self, trip: Trip) -> int:
        """Add ``trip`` for a trial (``drop_new_trip`` takes it back if unused)."""
        return self.add_trip(trip)

    def _drop_new_trip(self, k: int) -> None:
        """Take back the last trip added (it was never served)."""
        if k != self.n - 1 or self.where[k] >= 0:
            raise SolverError("only an unused trial trip can be taken back (a search bug)")
        self.allowed[k] = False
        for column in (self.trips, self.a, self.b, self.go, self.opens, self.unload, self.s):
            column.pop()
        for column2 in (self.e, self.penalty, self.retired, self.where):
            column2.pop()

    def _absorb_option(self, k: int) -> tuple[float, int, Trip] | None:
        """The cheapest way to pool single-job trip ``k`` (served or not) into another served
        trip that boards at the same pickup under the same board key: ``(added seconds of
        that trip, its index, the merged trip)``, checked against the other trip's chain
        (with ``k`` taken out of it if it rides there); None if none fits."""
        if not self.pool or len(self.trips[k].jobs) != 1:
            return None
        jobs = self.problem.jobs
        job = jobs[self.trips[k].jobs[0]]
        if job.board_key is None:
            return None
        best: tuple[float, int, Trip] | None = None
        for u in self.at_pickup.get(self.s[k], ()):
            v = self.where[u]
            if v < 0 or u == k or self.retired[u]:
                continue
            if max(self.a[u], self.a[k]) > min(self.b[u], self.b[k]) + POOL_WINDOW_SLACK_S:
                continue
            if any(jobs[j].board_key != job.board_key for j in self.trips[u].jobs):
                continue
            merged = best_pooled(
                self.problem, self.trips[u], self.trips[k].jobs[0], self.time_np, self.dist_np
            )
            if merged is None:
                continue
            added = merged.go + merged.unload - self.go[u] - self.unload[u]
            if best is not None and (added, u) >= (best[0], best[1]):
                continue
            trial = self._new_trip(merged)
            swapped = [trial if t == u else t for t in self.routes[v] if t != k]
            fits = (
                bool(self.allowed[trial, v])
                and self.fits(v, swapped)
                and (self.where[k] in (-1, v) or self.removable(k))
            )
            self._drop_new_trip(trial)
            if fits:
                best = (added, u, merged)
        return best

    def _absorb_apply(self, k: int, u: int, merged: Trip) -> None:
        """Replace trip ``u`` by ``merged`` (``u`` plus ``k``'s job); ``k`` leaves its route."""
        if self.where[k] >= 0:
            self.take_out(k)
        v = self.where[u]
        m = self._new_trip(merged)
        self.at_pickup.setdefault(merged.pickup, []).append(m)
        self._apply(v, [m if t == u else t for t in self.routes[v]])
        self.retired[u] = True
        self.retired[k] = True

    def absorb(self, k: int) -> bool:
        """Pooling: put open single-job trip ``k`` on the served trip at its pickup (same board
        key) that gets least longer, if the vehicle still fits it (False: none does)."""
        option = self._absorb_option(k)
        if option is None:
            return False
        _, u, merged = option
        self._absorb_apply(k, u, merged)
        return True

    def own_time(self, k: int) -> float:
        """Vehicle time served trip ``k`` takes in its chain: the drive to it, the trip, and
        the drive on, less the direct drive it saves (at its earliest timing)."""
        v = self.where[k]
        seq = self.routes[v]
        p = seq.index(k)
        before = self.e[seq[p - 1]] if p else self.vo[v]
        after = self.s[seq[p + 1]] if p + 1 < len(seq) else self.vd[v]
        t = self.time
        own = t[before][self.s[k]] + self.go[k] + self.unload[k] + t[self.e[k]][after]
        return float(own - t[before][after])

    def merge_served(self, budget: Budget) -> None:
        """Pooling after construction: each served single-job trip (longest first) joins
        another served trip at its pickup when that costs less vehicle time than the trip
        takes on its own; the time it frees serves open trips (``exchange``)."""
        singles = [
            k
            for k in range(self.n)
            if self.where[k] >= 0 and not self.retired[k] and len(self.trips[k].jobs) == 1
        ]
        for k in sorted(singles, key=lambda t: (-(self.go[t] + self.unload[t]), t)):
            if not budget.searching():
                return
            if self.where[k] < 0 or self.retired[k]:
                continue
            budget.spend()
            option = self._absorb_option(k)
            if option is not None and option[0] < self.own_time(k) - MERGE_MIN_GAIN_S:
                self._absorb_apply(k, option[1], option[2])

    def best_placement(self, k: int) -> bool:
        """Serve open trip ``k`` where it takes the least vehicle time: pooled into a served
        trip (``absorb``) or in a gap of its own (``insert``, idle vehicles last)."""
        option = self._absorb_option(k)
        if option is not None and option[0] > POOL_MAX_ADDED * (self.go[k] + self.unload[k]):
            option = None
        vs, ps = self.insertions(k, idle=True)
        if vs.size:
            v, p = int(vs[0]), int(ps[0])
            seq = self.routes[v]
            before = self.e[seq[p - 1]] if p else self.vo[v]
            after = self.s[seq[p]] if p < len(seq) else self.vd[v]
            t = self.time
            own = t[before][self.s[k]] + self.go[k] + self.unload[k] + t[self.e[k]][after]
            own -= t[before][after] if self.used[v] or self.in_service[v] else -_NEW_ROUTE
            if option is None or own <= option[0]:
                self._apply(v, [*seq[:p], k, *seq[p:]])
                return True
        if option is None:
            return False
        self._absorb_apply(k, option[1], option[2])
        return True

    def start_pools(self) -> None:
        """Pooled trips before chaining (``routing.vrp.backends.trips.savings_pools``): the jobs
        of each become one trip (their own trips retired until it dissolves)."""
        jobs = [k for k, job in enumerate(self.problem.jobs) if job.board_key is not None]
        limit = np.quantile(self.capacity, POOL_CAPACITY_QUANTILE, axis=0, method="lower")
        pools = savings_pools(
            self.problem,
            jobs,
            self.time_np,
            self.dist_np,
            capacity=[int(c) for c in limit],
            min_saving_s=POOL_MIN_SAVING_S,
        )
        for trip in pools:
            if not trip.pooled:
                continue
            k = self.add_trip(trip)
            if not self.allowed[k].any():
                self.retired[k] = True
                continue
            self.at_pickup.setdefault(trip.pickup, []).append(k)
            for j in trip.jobs:
                self.retired[j] = True

    def dissolve(self) -> None:
        """Pooled trips left unserved fall apart: their jobs become open single trips again."""
        for k in range(self.n):
            if self.where[k] < 0 and not self.retired[k] and len(self.trips[k].jobs) > 1:
                self.retired[k] = True
                for j in self.trips[k].jobs:
                    self.retired[j] = False  # job j's own trip has index j

    def construct_pooled(self, budget: Budget) -> None:
        """Construction with pooling: each trip, by earliest start, joins a served trip at
        its pickup (``absorb``) where that fits, else takes the gap that adds the least empty
        driving."""
        for _ in range(2):  # the second pass: jobs of pooled trips that fitted nowhere
            order = np.lexsort((np.array(self.b), np.array(self.a))).tolist()
            for k in order:
                if budget.past_end():
                    return
                if self.open(k) and not self.best_placement(k):
                    logger.debug("construction: trip %d fits no vehicle", k)
            self.dissolve()

    # ------------------------------------------------------------------ warm start

    def warm(self, start: WarmStart) -> None:
        """Start from ``start`` (``routing.vrp.problem.WarmStart``): each vehicle's trips in
        order, each kept where it still fits after the ones kept before it (else left open);
        a pooled trip that no longer times falls apart into open jobs."""
        start.check(self.problem)
        index = {v.vehicle_id: i for i, v in enumerate(self.problem.vehicles)}
        jobs = {j.job_id: k for k, j in enumerate(self.problem.jobs)}
        self.stable = True
        for vehicle_id in start.in_service:
            self.in_service[index[vehicle_id]] = True
        for vehicle_id, trips in start.routes.items():
            v = index[vehicle_id]
            seq: list[int] = []
            for trip in trips:
                k = self._warm_trip([jobs[j] for j in trip])
                if k is not None and self.open(k) and self.fits(v, [*seq, k]):
                    seq.append(k)
                elif k is not None and len(self.trips[k].jobs) > 1:
                    self.dissolve()  # the pooled trip did not fit: its jobs are open again
            if seq:
                self._apply(v, seq)

    def _warm_trip(self, members: Sequence[int]) -> int | None:
        """The trip of a warm start's jobs: job ``k``'s own trip, or a pooled one (its jobs'
        own trips retired while it stands); None if the jobs cannot ride together."""
        if len(members) == 1:
            return members[0]
        if not self.pool:
            raise ValueError("warm start: several jobs in one trip need pooling")
        trip = pooled_trip(self.problem, members, self.time_np, self.dist_np)
        if trip is None or any(not self.open(j) for j in members):
            return None
        k = self.add_trip(trip)
        self.at_pickup.setdefault(trip.pickup, []).append(k)
        for j in members:
            self.retired[j] = True
        return k

    def own_vehicles(self) -> list[tuple[int, list[int]]]:
        """Each chain on the vehicle it was built on (a warm start keeps its vehicles)."""
        return [(v, seq) for v, seq in enumerate(self.routes) if seq]

    # ------------------------------------------------------------------ vehicles, routes

    def visits(self, seq: Sequence[int]) -> list[Visit]:
        """The stop sequence of a chain (each trip's pickups, then its deliveries)."""
        jobs = self.problem.jobs
        return [visit for k in seq for visit in self.trips[k].visits(jobs)]

    def cost(self, v: int, seq: Sequence[int]) -> float | None:
        """Running cost of vehicle ``v`` driving ``seq`` in its shortest shift (None if it
        cannot): fixed + per km + per hour, as ``routing.vrp.schedule.route_cost``."""
        if not seq:
            return None
        if not self.fits(v, seq):
            return None
        vehicle = self.problem.vehicles[v]
        late = self.latest(v, seq)
        time_s, dist = self.time, self.dist
        x = late[0]
        leave = x - time_s[self.vo[v]][self.s[seq[0]]]
        metres = dist[self.vo[v]][self.s[seq[0]]]
        t, loc = self.end_of(seq[0], x), self.e[seq[0]]
        metres += self.trips[seq[0]].metres
        for k in seq[1:]:
            x = max(self.a[k], t + time_s[loc][self.s[k]])
            metres += dist[loc][self.s[k]] + self.trips[k].metres
            t, loc = self.end_of(k, x), self.e[k]
        back = t + time_s[loc][self.vd[v]]
        metres += dist[loc][self.vd[v]]
        hours = (back - leave) / 3600.0
        running = vehicle.cost_per_km * metres / 1000.0 + vehicle.cost_per_hour * hours
        return float(vehicle.fixed_cost + running)

    def assign_vehicles(self) -> list[tuple[int, list[int]]]:
        """Each chain on the vehicle that drives it at least cost (min-cost assignment)."""
        chains = [seq for seq in self.routes if seq]
        if not chains:
            return []
        vehicles = self.problem.vehicles
        kinds: dict[tuple[object, ...], list[int]] = {}
        for v in range(self.m):
            key = (
                self.kind[v],
                vehicles[v].fixed_cost,
                vehicles[v].cost_per_km,
                vehicles[v].cost_per_hour,
            )
            kinds.setdefault(key, []).append(v)
        columns: list[int] = []
        blocks: list[tuple[int, int, int]] = []  # (representative, first column, count)
        for members in kinds.values():
            take = members[: len(chains)]
            blocks.append((take[0], len(columns), len(take)))
            columns.extend(take)
        big = 1e18
        cost = np.full((len(chains), len(columns)), big)
        for v, first, count in blocks:
            for c, seq in enumerate(chains):
                value = self.cost(v, seq)
                if value is not None:
                    cost[c, first : first + count] = value
        rows, cols = linear_sum_assignment(cost)
        if (cost[rows, cols] >= big).any():
            raise SolverError("a chain fits no vehicle in the assignment (a search bug)")
        return [(columns[c], chains[r]) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]


def _trial(seq: Sequence[int], k: int, splice: str, q: int) -> list[int]:
    """``seq`` with trip ``k`` spliced in at column ``q`` of the grid ``splice``."""
    if splice == "insert":
        return [*seq[:q], k, *seq[q:]]
    if splice == "replace1":
        return [*seq[:q], k, *seq[q + 1 :]]
    if splice == "replace2":
        return [*seq[:q], k, *seq[q + 2 :]]
    if splice == "drop_first":
        return [*seq[1 : q + 1], k, *seq[q + 1 :]]
    return [*seq[:q], k, *seq[q:-1]]  # drop_last


def solve_chains(
    problem: Problem,
    params: SolveParams,
    *,
    servability: Mapping[str, Servability] | None = None,
    pool: bool = False,
    start: WarmStart | None = None,
) -> Solution:
    """Serve ``problem``'s jobs by chaining whole trips (see the module docstring).

    Parameters
    ----------
    problem
        One vehicle profile; with ``pool`` off, every vehicle carries one job at a time
        (``routing.vrp.features.chainable``).
    params
        Time limit, effort and seed.
    servability
        ``routing.vrp.servability.servable(problem)``. Default None (computed).
    pool
        Let jobs that share a pickup and a board key ride together in one trip
        (``routing.vrp.features.poolable``). Default False.
    start
        Routes to start from (a re-plan): kept where they fit, the rest placed by
        construction and exchanges; no route elimination, polish or reassignment of
        vehicles, so little changes. Default None (search from scratch).

    Returns
    -------
    Solution
        Routes timed by ``build_route``, unassigned jobs in problem order, the objective in
        problem cost units and a status ``chains`` (``pools`` when pooling).

    Raises
    ------
    ValueError
        If the vehicles and jobs do not share one profile.
    SolverError
        If a chain cannot be timed exactly (a bug).
    """
    started = time.monotonic()
    budget = Budget.of(params, started=started, steps_per_effort=EFFORT_ITERATIONS)
    budget.reserve(params.time_limit_s * POLISH_SHARE)
    chains = Chains(problem, servability, seed=params.seed, pool=pool)
    if start is not None:
        chains.warm(start)
    elif pool:
        chains.start_pools()
    if pool:
        chains.construct_pooled(budget)
    else:
        chains.construct(budget)
    chains.rescue(budget)
    if pool and start is None:
        chains.merge_served(budget)
    chains.exchange(budget)
    first = chains.count()
    total = budget.steps_left
    if total != _INF:
        attempt, attempt_s = max(MIN_ATTEMPT, int(ATTEMPT_SHARE * total)), _INF
    elif chains.unserved():  # time only, trips waiting for a bus: short attempts, time left
        attempt, attempt_s = MIN_ATTEMPT, _INF  # for serving them (``ruin_and_recreate``)
    else:  # time only, every trip served: fewer buses is what is left to gain
        attempt, attempt_s = _NO_LIMIT, ATTEMPT_TIME_SHARE * budget.left_s()
    if start is None:
        chains.eliminate(budget, attempt=attempt, attempt_s=attempt_s)
    if chains.unserved():
        chains.exchange(budget)
        chains.ruin_and_recreate(budget)
    if start is None:
        chains.polish(budget)
    logger.info(
        "%s: %d trips (%d jobs), %d vehicles after construction, %d after elimination, %.1f s",
        "pools" if pool else "chains",
        sum(len(r) for r in chains.routes),
        sum(len(chains.trips[k].jobs) for r in chains.routes for k in r),
        first,
        chains.count(),
        time.monotonic() - started,
    )
    routes: list[Route] = []
    for v, seq in chains.assign_vehicles() if start is None else chains.own_vehicles():
        route = build_route(problem, problem.vehicles[v], chains.visits(seq))
        if route is None:
            raise SolverError(
                f"vehicle {problem.vehicles[v].vehicle_id}: its chain has no exact timing "
                "(a chaining bug)"
            )
        routes.append(route)
    name = "pools" if pool else "chains"
    if budget.effort_spent():
        status = f"{name}:effort_limit"
    elif budget.out_of_time(0.0):
        status = f"{name}:time_limit"
    else:
        status = f"{name}:solved"  # every route tried without success before the budget ran out
    return Solution.of(problem, routes, wall_time_s=time.monotonic() - started, status=status)
