"""The one front door of the solver: choose a backend, solve (in time slices when big), repair.

``solve(problem, params)`` is what every caller uses — the charter planner, the supply planner,
the benchmarks. It decides which backend plans the problem (``choose_backend``, from the
problem's features alone), runs it, then inserts whatever unserved job still fits somewhere
(``routing.vrp.repair``) and, when ``params.priority_repair_share`` is set, lets unserved jobs
take the place of jobs with a lower penalty (``routing.vrp.priority``). The backend and the
reason for it are recorded in the returned ``Solution`` (and from there in plan.json).

Backends (see docs/ARCHITECTURE.md):

- ``chains`` — every vehicle carries one job at a time (charters with ``mixing = none``): trip
  chaining, whole problem (``routing.vrp.backends.chains``).
- ``pools`` — every job boards in a group at a pickup it shares with the other jobs of its
  board key (charters with pooling): trips of several jobs formed while chaining
  (``routing.vrp.backends.chains`` with pooling).
- ``pyvrp`` — a plain PDPTW/VRPTW that PyVRP models exactly (``routing.vrp.features``):
  PyVRP's iterated local search plus our fleet minimisation (``routing.vrp.backends.pyvrp``).
- ``ortools`` — anything else (ride limits with several jobs on board, board keys, shift
  limits, allowed-vehicle lists, several profiles): the OR-Tools model
  (``routing.vrp.backends.ortools``).
- ``ortools_slices`` — the same, for more jobs than ``params.slice_jobs``: time slices
  (``routing.vrp.decompose``), each slice by the backend it would get alone.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from routing.vrp.decompose import solve_in_slices
from routing.vrp.features import chainable, poolable, pyvrp_supports, pyvrp_unsupported
from routing.vrp.priority import prefer_priority
from routing.vrp.problem import Problem, Solution, SolveParams, WarmStart
from routing.vrp.repair import insert_unassigned
from routing.vrp.servability import Servability, servable

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]
# of the time limit kept for the insertion repair after an OR-Tools or PyVRP search; the
# backend keeps it only once its search leaves a servable job out (all served: nothing to repair)
REPAIR_SHARE = 0.1


class Backend(StrEnum):
    """The solver that planned a solution."""

    NONE = "none"
    CHAINS = "chains"
    POOLS = "pools"
    PYVRP = "pyvrp"
    ORTOOLS = "ortools"
    ORTOOLS_SLICES = "ortools_slices"


# Backends whose search ends by trying every open job in every gap (and by exchanges), so
# the generic insertion repair would find nothing more, slowly.
_OWN_REPAIR = frozenset({Backend.CHAINS, Backend.POOLS})


@dataclass(frozen=True, slots=True)
class BackendChoice:
    """Which backend plans a problem, and why (a sentence for logs and plan.json)."""

    backend: Backend
    reason: str


def choose_backend(problem: Problem, params: SolveParams) -> BackendChoice:
    """The backend for ``problem`` under ``params`` (see the module docstring), with the reason.

    Parameters
    ----------
    problem
        The instance.
    params
        Search settings: an explicit OR-Tools strategy keeps a problem on OR-Tools, and
        ``slice_jobs`` decides when OR-Tools works in time slices.
    """
    if not problem.jobs or not problem.vehicles:
        return BackendChoice(Backend.NONE, "no jobs or no vehicles: nothing to plan")
    if chainable(problem):
        return BackendChoice(
            Backend.CHAINS, "every vehicle carries one job at a time: trip chaining"
        )
    if poolable(problem):
        return BackendChoice(
            Backend.POOLS,
            "jobs board in groups at a pickup shared under their board key: pooled trip chaining",
        )
    if pyvrp_supports(problem, params):
        return BackendChoice(
            Backend.PYVRP, "a plain pickup-and-delivery problem that PyVRP models exactly"
        )
    missing = pyvrp_unsupported(problem)
    why = (
        f"features PyVRP does not model: {', '.join(missing)}"
        if missing
        else "an OR-Tools search strategy was asked for"
    )
    if len(problem.jobs) > params.slice_jobs:
        return BackendChoice(
            Backend.ORTOOLS_SLICES,
            f"{why}; {len(problem.jobs)} jobs > {params.slice_jobs}: OR-Tools in time slices",
        )
    return BackendChoice(Backend.ORTOOLS, why)


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    servability: Mapping[str, Servability] | None = None,
    on_progress: Progress | None = None,
    start: WarmStart | None = None,
) -> Solution:
    """Plan routes for ``problem``: every job served or listed unassigned, never lost.

    Parameters
    ----------
    problem
        The instance.
    params
        Search settings (the time limit and effort are the budget of the whole search).
        Default ``SolveParams()`` (30 s, seed 0).
    servability
        ``routing.vrp.servability.servable(problem)`` if already computed (the caller may want it
        for explanations too). Default None (computed here, once).
    on_progress
        Called with the fraction of the work done (time slices report as they finish).
        Default None.
    start
        Routes to start from when the problem is solved again after a change (a re-plan):
        the trip-chaining backends (``chains``, ``pools``) keep them where they fit and
        change as little as they can; the other backends search from scratch and say so in
        the status. Default None.

    Returns
    -------
    Solution
        Used vehicles' routes with times and loads, unassigned job ids (in problem order),
        the objective (``Problem.objective``), wall time, the backend's status, and the
        backend with the reason it was chosen.

    Raises
    ------
    SolverError
        When a backend fails to return any solution (not when jobs cannot be served).
    """
    params = params or SolveParams()
    started = time.monotonic()
    choice = choose_backend(problem, params)
    logger.info("solving %d jobs with %s: %s", len(problem.jobs), choice.backend, choice.reason)
    options = servability if servability is not None else servable(problem)
    search, repair_s = params, 0.0
    keep = REPAIR_SHARE + params.priority_repair_share
    if choice.backend is Backend.ORTOOLS_SLICES:  # keep time for the repairs after the search
        search = dataclasses.replace(params, time_limit_s=params.time_limit_s * (1 - keep))
    elif choice.backend not in _OWN_REPAIR:  # the backend keeps it once a job is left out
        repair_s = params.time_limit_s * keep
    if choice.backend is Backend.NONE:
        found = Solution.of(problem, (), wall_time_s=0.0, status="no_jobs")
    elif choice.backend is Backend.ORTOOLS_SLICES:

        def sliced(done: int, total: int) -> None:
            if on_progress is not None:
                on_progress(done / total)

        found = solve_in_slices(
            problem,
            search,
            solve_slice=_solve_whole,
            slice_jobs=params.slice_jobs,
            on_slice=sliced,
        )
    else:
        found = _run(choice.backend, problem, search, options, start, repair_s=repair_s)
    routes = list(found.routes)
    end = started + params.time_limit_s
    if found.unassigned and choice.backend not in _OWN_REPAIR:
        routes = insert_unassigned(problem, routes, found.unassigned, options, deadline=end)
        left = Solution.of(problem, routes, wall_time_s=0.0).unassigned
        if left and params.priority_repair_share > 0:
            routes = prefer_priority(problem, routes, left, options, deadline=end)
    status = found.status
    if start is not None and start.routes and choice.backend not in _OWN_REPAIR:
        logger.warning("%s does not take a warm start: solved from scratch", choice.backend)
        status += "; warm start not used"
    return Solution.of(
        problem,
        routes,
        wall_time_s=time.monotonic() - started,
        status=status,
        backend=choice.backend.value,
        backend_reason=choice.reason,
    )


def _solve_whole(problem: Problem, params: SolveParams) -> Solution:
    """One time slice, by the backend it would get alone (never sliced again)."""
    whole = dataclasses.replace(params, slice_jobs=max(params.slice_jobs, len(problem.jobs)))
    choice = choose_backend(problem, whole)
    if choice.backend is Backend.NONE:
        return Solution.of(problem, (), wall_time_s=0.0, status="no_jobs")
    return _run(choice.backend, problem, whole, servable(problem))


def _run(
    backend: Backend,
    problem: Problem,
    params: SolveParams,
    options: Mapping[str, Servability],
    start: WarmStart | None = None,
    *,
    repair_s: float = 0.0,
) -> Solution:
    """Run one backend on the whole problem (imported here: only the one that runs loads);
    ``start`` goes to the trip-chaining backends, ``repair_s`` (seconds the OR-Tools and PyVRP
    backends keep before the end once their search leaves a servable job out) to the others."""
    if not any(options[j.job_id].vehicles for j in problem.jobs):
        return Solution.of(problem, (), wall_time_s=0.0, status="no_servable_jobs")
    if backend in (Backend.CHAINS, Backend.POOLS):
        from routing.vrp.backends.chains import solve_chains

        return solve_chains(
            problem, params, servability=options, pool=backend is Backend.POOLS, start=start
        )
    if backend is Backend.PYVRP:
        from routing.vrp.backends.pyvrp import solve_pyvrp

        return solve_pyvrp(problem, params, servability=options, repair_s=repair_s)
    from routing.vrp.backends.ortools import solve_ortools

    return solve_ortools(problem, params, servability=options, repair_s=repair_s)
