"""Route elimination with an ejection pool, for plain pickup-and-delivery and VRPTW problems.

After Nagata and Bräysy's route-minimisation heuristic for the VRPTW ("A powerful route
minimization heuristic for the vehicle routing problem with time windows", Operations Research
Letters 37, 2009), as Nagata and Kobayashi carried it over to pickup and delivery: take one
route out and put its jobs into a pool; take the last job from the pool and insert it where
it adds the least distance; when it fits nowhere, raise its penalty counter and insert it in
place of one or two jobs of a route — those whose counters sum least, i.e. the ones that
were easiest to place so far — and put those into the pool; random relocations between
routes after every ejection keep the search moving, and after a job for which no ejection
was found (without them the pool would test the same routes again and again). The pool
emptied means one route less; an attempt that runs out of its iterations is undone and
another route is tried.

Works on the problems ``routing.vrp.backends.pyvrp`` takes (``routing.vrp.features``): one
vehicle profile, time windows, capacities, no ride limits, board keys, shift-length limits or
allowed-vehicle lists. A job is a pickup and a delivery on one route (PDPTW), or one stop
loaded at the depot when the problem is depot-loaded (VRPTW). Feasibility of an insertion is
decided exactly from the earliest and latest service starts of the route (forward and
backward time slack) and its loads, so every plan it returns is feasible; the caller still
times each route with ``routing.vrp.schedule``.

One iteration (a job taken from the pool) is one effort step of the ``Budget``.
"""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from routing.vrp.budget import Budget
from routing.vrp.problem import Job, Problem
from routing.vrp.schedule import Visit

logger = logging.getLogger(__name__)

ATTEMPT_SHARE = 0.9  # of the budget left, for one route's elimination
MAX_EJECTED = 2  # jobs ejected at most to make room for one
EJECTION_TESTS = 1000  # candidate ejections timed at most per job that fits nowhere
PERTURB_MOVES = 50  # random relocations after each ejection, or when nothing could be ejected


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    """One vehicle's visits (by index into ``Problem.vehicles``), in driving order."""

    vehicle: int
    visits: tuple[Visit, ...]


@dataclass(frozen=True, slots=True)
class Elimination:
    """What the route elimination achieved.

    Parameters
    ----------
    plan
        A feasible plan of every job, with as few routes as it found.
    partial
        Feasible routes, one fewer than ``plan``, that serve every job but ``missing``: the
        closest a failed attempt came (empty when none failed since the last success).
    missing
        The jobs ``partial`` leaves out (still in the pool).
    """

    plan: list[PlannedRoute]
    partial: list[PlannedRoute]
    missing: tuple[Job, ...]


class _Stops:
    """Flat attributes of every stop code: ``2k`` the pickup, ``2k + 1`` the delivery of job k.

    Lists of Python ints, read in the innermost loops (faster there than numpy scalars).
    """

    def __init__(self, problem: Problem, jobs: Sequence[Job], loaded: bool) -> None:
        matrix = next(iter(problem.matrices.values()))
        self.time = matrix.time_s.tolist()
        self.dist = matrix.dist_m.tolist()
        self.loaded = loaded
        self.dims = len(jobs[0].amount) if jobs else 0
        self.loc: list[int] = []
        self.open: list[int] = []
        self.close: list[int] = []
        self.service: list[int] = []
        self.delta: list[tuple[int, ...]] = []
        for job in jobs:
            self.loc += [job.pickup, job.delivery]
            self.open += [job.pickup_window.start, job.delivery_window.start]
            self.close += [job.pickup_window.end, job.delivery_window.end]
            self.service += [job.pickup_service_s, job.delivery_service_s]
            self.delta += [job.amount, tuple(-a for a in job.amount)]
        self.amount = [job.amount for job in jobs]


class _Route:
    """A route under construction: its stop codes and their earliest / latest service starts.

    ``early[i]`` and ``late[i]`` refer to position ``i`` of ``[start depot, stops…, end
    depot]``; ``load[i]`` is the load on board after position ``i`` (PDPTW) and ``total``
    the summed amounts (VRPTW: everything is on board from the depot).
    """

    __slots__ = ("capacity", "early", "end", "late", "load", "shift", "start", "stops", "total")

    def __init__(
        self,
        stops: list[int],
        *,
        start: int,
        end: int,
        shift: tuple[int, int],
        capacity: tuple[int, ...],
    ) -> None:
        self.stops = stops
        self.start, self.end, self.shift, self.capacity = start, end, shift, capacity
        self.early: list[int] = []
        self.late: list[int] = []
        self.load: list[tuple[int, ...]] = []
        self.total: tuple[int, ...] = ()

    def jobs(self) -> list[int]:
        """Jobs on the route (each once), in order of their first stop."""
        return list(dict.fromkeys(c >> 1 for c in self.stops))


class EjectionPool:
    """Routes of one plan, and the moves of the route-elimination heuristic on them.

    Parameters
    ----------
    problem
        The instance (one profile, see the module docstring).
    jobs
        The jobs of the plan; every one of them is on a route.
    routes
        The plan.
    seed
        Seed of the random choices. Default 0.
    """

    def __init__(
        self,
        problem: Problem,
        jobs: Sequence[Job],
        routes: Sequence[PlannedRoute],
        *,
        seed: int = 0,
    ) -> None:
        self.problem = problem
        self.jobs = tuple(jobs)
        self.index = {job.job_id: k for k, job in enumerate(self.jobs)}
        self.at = _Stops(problem, self.jobs, problem.depot_loaded(self.jobs))
        self.rng = random.Random(seed)
        self.vehicles = [r.vehicle for r in routes]
        self.routes = [self._route(r.vehicle, self._codes(r.visits)) for r in routes]
        self.penalty = [1] * len(self.jobs)
        self.stuck = 0
        # the state of the last elimination attempt with the fewest jobs in the pool
        self.closest: tuple[list[list[int]], list[Job]] | None = None

    # -- state ---------------------------------------------------------------------------------

    def _codes(self, visits: Sequence[Visit]) -> list[int]:
        codes = []
        for visit in visits:
            k = self.index[visit.job.job_id]
            if self.at.loaded and visit.pickup:
                continue  # loaded at the depot: no stop
            codes.append(2 * k if visit.pickup else 2 * k + 1)
        return codes

    def _route(self, vehicle: int, stops: list[int]) -> _Route:
        spec = self.problem.vehicles[vehicle]
        route = _Route(
            stops,
            start=spec.start,
            end=spec.end,
            shift=(spec.shift.start, spec.shift.end),
            capacity=spec.capacity,
        )
        self._refresh(route)
        return route

    def _refresh(self, route: _Route) -> None:
        """Recompute earliest and latest service starts and loads after a change."""
        at, time = self.at, self.at.time
        locs = [route.start] + [at.loc[c] for c in route.stops] + [route.end]
        services = [0] + [at.service[c] for c in route.stops] + [0]
        opens = [route.shift[0]] + [at.open[c] for c in route.stops] + [route.shift[0]]
        closes = [route.shift[1]] + [at.close[c] for c in route.stops] + [route.shift[1]]
        n = len(locs)
        early = [0] * n
        early[0] = opens[0]
        for i in range(1, n):
            early[i] = max(opens[i], early[i - 1] + services[i - 1] + time[locs[i - 1]][locs[i]])
        late = [0] * n
        late[-1] = closes[-1]
        for i in range(n - 2, -1, -1):
            late[i] = min(closes[i], late[i + 1] - services[i] - time[locs[i]][locs[i + 1]])
        route.early, route.late = early, late
        dims = at.dims
        if at.loaded:
            total = [0] * dims
            for c in route.stops:
                for d in range(dims):
                    total[d] += at.amount[c >> 1][d]
            route.total = tuple(total)
            return
        load = [(0,) * dims]
        for c in route.stops:
            load.append(tuple(x + y for x, y in zip(load[-1], at.delta[c], strict=True)))
        load.append((0,) * dims)
        route.load = load

    def feasible(self, route: _Route) -> bool:
        """Whether the route keeps every time window and capacity (for tests and checks)."""
        if any(early > late for early, late in zip(route.early, route.late, strict=True)):
            return False
        if self.at.loaded:
            return all(t <= c for t, c in zip(route.total, route.capacity, strict=True))
        return all(
            all(x <= c for x, c in zip(load, route.capacity, strict=True)) for load in route.load
        )

    def plan(self, snapshot: Sequence[Sequence[int]] | None = None) -> list[PlannedRoute]:
        """The routes (or those of a ``snapshot``) as visits per vehicle, empty ones left out."""
        stops_of = [route.stops for route in self.routes] if snapshot is None else snapshot
        out = []
        for vehicle, stops in zip(self.vehicles, stops_of, strict=True):
            visits: list[Visit] = []
            for c in stops:
                job = self.jobs[c >> 1]
                if self.at.loaded:
                    visits.append(Visit(job, False))
                else:
                    visits.append(Visit(job, c % 2 == 0))
            if self.at.loaded:
                visits = [Visit(v.job, True) for v in visits] + visits
            if visits:
                out.append(PlannedRoute(vehicle, tuple(visits)))
        return out

    def distance(self) -> int:
        """Total distance of the routes (empty ones drive nothing)."""
        dist, at = self.at.dist, self.at
        total = 0
        for route in self.routes:
            if not route.stops:
                continue
            locs = [route.start] + [at.loc[c] for c in route.stops] + [route.end]
            total += sum(dist[a][b] for a, b in itertools.pairwise(locs))
        return total

    # -- insertion -----------------------------------------------------------------------------

    def best_insertion(self, route: _Route, k: int) -> tuple[int, int, int] | None:
        """Cheapest feasible insertion of job ``k``: ``(added distance, i, j)`` or None.

        The pickup goes after position ``i`` and the delivery after position ``j >= i`` of
        ``[start depot, stops…]`` (``j == i``: right after the pickup); a depot-loaded job
        has one stop, after position ``i`` (``j`` is ``i``).
        """
        if self.at.loaded:
            return self._best_single(route, k)
        return self._best_pair(route, k)

    def _best_single(self, route: _Route, k: int) -> tuple[int, int, int] | None:
        at = self.at
        amount = at.amount[k]
        if any(t + a > c for t, a, c in zip(route.total, amount, route.capacity, strict=True)):
            return None
        time, dist = at.time, at.dist
        c = 2 * k + 1
        u, a_u, b_u, s_u = at.loc[c], at.open[c], at.close[c], at.service[c]
        locs = [route.start] + [at.loc[x] for x in route.stops] + [route.end]
        services = [0] + [at.service[x] for x in route.stops]
        early, late = route.early, route.late
        best: tuple[int, int, int] | None = None
        for i in range(len(locs) - 1):
            arrive = early[i] + services[i] + time[locs[i]][u]
            if arrive > b_u:
                break  # later positions start no earlier
            begin = max(a_u, arrive)
            if begin + s_u + time[u][locs[i + 1]] > late[i + 1]:
                continue
            added = dist[locs[i]][u] + dist[u][locs[i + 1]] - dist[locs[i]][locs[i + 1]]
            if best is None or added < best[0]:
                best = (added, i, i)
        return best

    def _best_pair(self, route: _Route, k: int) -> tuple[int, int, int] | None:
        at = self.at
        time, dist = at.time, at.dist
        p, d = 2 * k, 2 * k + 1
        amount, capacity = at.amount[k], route.capacity
        lp, ap, bp, sp = at.loc[p], at.open[p], at.close[p], at.service[p]
        ld, ad, bd, sd = at.loc[d], at.open[d], at.close[d], at.service[d]
        locs = [route.start] + [at.loc[x] for x in route.stops] + [route.end]
        opens = [0] + [at.open[x] for x in route.stops]
        services = [0] + [at.service[x] for x in route.stops]
        early, late, load = route.early, route.late, route.load
        if len(amount) == 1:
            room = capacity[0] - amount[0]
            fits = [held[0] <= room for held in load]
        else:
            fits = [
                all(x + a <= c for x, a, c in zip(held, amount, capacity, strict=True))
                for held in load
            ]
        n = len(locs) - 1  # positions after which a stop may go: 0 .. n - 1
        best: tuple[int, int, int] | None = None
        for i in range(n):
            if not fits[i]:
                continue
            arrive = early[i] + services[i] + time[locs[i]][lp]
            if arrive > bp:
                break
            begin_p = max(ap, arrive)
            base = dist[locs[i]][lp] - dist[locs[i]][locs[i + 1]]
            # the delivery right after the pickup
            begin_d = max(ad, begin_p + sp + time[lp][ld])
            if begin_d <= bd and begin_d + sd + time[ld][locs[i + 1]] <= late[i + 1]:
                added = base + dist[lp][ld] + dist[ld][locs[i + 1]]
                if best is None or added < best[0]:
                    best = (added, i, i)
            # the delivery after a later position j: walk the pushed schedule forward
            added_p = base + dist[lp][locs[i + 1]]
            t = begin_p + sp + time[lp][locs[i + 1]]
            for j in range(i + 1, n):
                begin_j = max(opens[j], t)
                if begin_j > late[j] or not fits[j]:
                    break
                begin_d = max(ad, begin_j + services[j] + time[locs[j]][ld])
                if begin_d <= bd:
                    if begin_d + sd + time[ld][locs[j + 1]] <= late[j + 1]:
                        added = (
                            added_p
                            + dist[locs[j]][ld]
                            + dist[ld][locs[j + 1]]
                            - dist[locs[j]][locs[j + 1]]
                        )
                        if best is None or added < best[0]:
                            best = (added, i, j)
                elif begin_j + services[j] > bd:
                    break  # later delivery positions start later still
                t = begin_j + services[j] + time[locs[j]][locs[j + 1]]
        return best

    def insert(self, r: int, k: int, i: int, j: int) -> None:
        """Put job ``k`` into route ``r`` at positions ``(i, j)`` of ``best_insertion``."""
        route = self.routes[r]
        stops = route.stops
        if self.at.loaded:
            stops.insert(i, 2 * k + 1)
        else:
            stops.insert(j, 2 * k + 1)
            stops.insert(i, 2 * k)
        self._refresh(route)

    def remove(self, r: int, jobs: Sequence[int]) -> None:
        """Take jobs out of route ``r``."""
        route = self.routes[r]
        gone = set(jobs)
        route.stops = [c for c in route.stops if c >> 1 not in gone]
        self._refresh(route)

    # -- the heuristic -------------------------------------------------------------------------

    def _cheapest(self, k: int, skip: int) -> tuple[int, int, int, int] | None:
        """Cheapest feasible insertion of job ``k`` over all routes but ``skip``:
        ``(added distance, route, i, j)``."""
        best: tuple[int, int, int, int] | None = None
        for r, route in enumerate(self.routes):
            if r == skip:
                continue
            found = self.best_insertion(route, k)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], r, found[1], found[2])
        return best

    def _eject(self, k: int, skip: int) -> tuple[int, tuple[int, ...], int, int] | None:
        """Jobs to take out of one route so that job ``k`` fits there, least penalty first:
        ``(route, ejected jobs, i, j)`` with the insertion positions after the ejection."""
        candidates: list[tuple[int, float, int, tuple[int, ...]]] = []
        for r, route in enumerate(self.routes):
            if r == skip or not route.stops:
                continue
            jobs = route.jobs()
            for size in range(1, MAX_EJECTED + 1):
                for group in itertools.combinations(jobs, size):
                    cost = sum(self.penalty[g] for g in group)
                    candidates.append((cost, self.rng.random(), r, group))
        candidates.sort()
        for _, _, r, group in candidates[:EJECTION_TESTS]:
            route = self.routes[r]
            gone = set(group)
            trial = self._route(self.vehicles[r], [c for c in route.stops if c >> 1 not in gone])
            found = self.best_insertion(trial, k)
            if found is not None:
                return r, group, found[1], found[2]
        return None

    def _perturb(self, skip: int) -> None:
        """A few random relocations of a job to its cheapest place in another route."""
        used = [r for r, route in enumerate(self.routes) if route.stops and r != skip]
        if len(used) < 2:
            return
        for _ in range(PERTURB_MOVES):
            source, target = self.rng.sample(used, 2)
            route = self.routes[source]
            if not route.stops:
                continue
            k = self.rng.choice(route.jobs())
            found = self.best_insertion(self.routes[target], k)
            if found is None:
                continue
            self.remove(source, [k])
            self.insert(target, k, found[1], found[2])

    def empty(self, victim: int, *, steps: int | None, deadline: float) -> tuple[bool, int]:
        """Move every job of route ``victim`` elsewhere, ejecting others as needed.

        Returns whether the pool emptied, and the iterations used. On failure the routes
        are left as they were when it gave up (the caller restores its snapshot) and
        ``closest`` holds the routes and the pool when the pool was smallest.
        """
        stack = self.routes[victim].jobs()
        self.remove(victim, stack)
        self.penalty = [1] * len(self.jobs)
        self.stuck = 0
        self.rng.shuffle(stack)
        used = 0
        self.closest = None
        while stack:
            if self.closest is None or len(stack) < len(self.closest[1]):
                self.closest = (self.snapshot(), [self.jobs[k] for k in stack])
            if (steps is not None and used >= steps) or time.monotonic() >= deadline:
                logger.debug(
                    "pool of %d jobs left after %d iterations (%d without an ejection)",
                    len(stack),
                    used,
                    self.stuck,
                )
                return False, used
            used += 1
            k = stack.pop()
            cheapest = self._cheapest(k, victim)
            if cheapest is not None:
                self.insert(cheapest[1], k, cheapest[2], cheapest[3])
                continue
            self.penalty[k] += 1
            ejection = self._eject(k, victim)
            if ejection is None:
                self.stuck += 1
                stack.insert(0, k)  # nothing found within the tests: try it again later,
                self._perturb(victim)  # from other routes (the same ones would fail again)
                continue
            r, group, i, j = ejection
            self.remove(r, group)
            self.insert(r, k, i, j)
            stack.extend(group)
            self._perturb(victim)
        return True, used

    def snapshot(self) -> list[list[int]]:
        """The stops of every route (to undo a failed elimination)."""
        return [list(route.stops) for route in self.routes]

    def restore(self, snapshot: Sequence[Sequence[int]]) -> None:
        """Go back to a snapshot taken with the same routes."""
        for route, stops in zip(self.routes, snapshot, strict=True):
            route.stops = list(stops)
            self._refresh(route)

    def drop(self, r: int) -> None:
        """Forget route ``r`` (emptied) and its vehicle."""
        del self.routes[r]
        del self.vehicles[r]


def eliminate_routes(
    problem: Problem,
    jobs: Sequence[Job],
    routes: Sequence[PlannedRoute],
    budget: Budget,
    *,
    seed: int = 0,
    share: float = 1.0,
    fewest: int = 1,
) -> Elimination:
    """The plan with as many routes eliminated as ``share`` of the budget allows.

    Routes are tried smallest first (fewest jobs, then shortest); after a failure the next
    one, until every route has failed once since the last success or the share is spent.

    Parameters
    ----------
    problem
        The instance (see the module docstring for what it may have).
    jobs
        The jobs on ``routes`` (each exactly once).
    routes
        A feasible plan.
    budget
        Time and effort (one step per pool iteration).
    seed
        Seed of the random choices. Default 0.
    share
        Share of what is left of the budget this phase may use. Default 1 (all).
    fewest
        A lower bound on the routes any plan needs: the pool stops there. Default 1.

    Returns
    -------
    Elimination
        A feasible plan of the same jobs with at most as many routes and, when the last
        attempts failed, the closest they came to one route less.
    """
    pool = EjectionPool(problem, jobs, routes, seed=seed)
    steps = budget.portion(share)
    deadline = time.monotonic() + budget.seconds(share)
    failed = 0
    partial: list[PlannedRoute] = []
    missing: tuple[Job, ...] = ()
    while len(pool.routes) > max(1, fewest) and failed < len(pool.routes):
        if time.monotonic() >= deadline or (steps is not None and steps <= 0):
            break
        order = sorted(range(len(pool.routes)), key=lambda r: (len(pool.routes[r].stops), r))
        victim = order[failed]
        before = pool.snapshot()
        attempt = None if steps is None else max(1, int(steps * ATTEMPT_SHARE))
        attempt_deadline = time.monotonic() + ATTEMPT_SHARE * (deadline - time.monotonic())
        emptied, used = pool.empty(victim, steps=attempt, deadline=attempt_deadline)
        budget.spend(used)
        if steps is not None:
            steps -= used
        if emptied:
            pool.drop(victim)
            failed, partial, missing = 0, [], ()
            logger.info("ejection pool: one route less, %d left", len(pool.routes))
            continue
        if pool.closest is not None and (not partial or len(pool.closest[1]) < len(missing)):
            partial, missing = pool.plan(pool.closest[0]), tuple(pool.closest[1])
        pool.restore(before)
        failed += 1
    return Elimination(pool.plan(), partial, missing)
