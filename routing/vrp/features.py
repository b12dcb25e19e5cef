"""What a problem asks of a solver backend: the features that decide which backend may plan it.

Pure checks on the problem (no solver imported), so choosing a backend costs nothing and the
backends themselves are imported only when they run.
"""

from __future__ import annotations

from routing.vrp.problem import Problem, SolveParams


def chainable(problem: Problem) -> bool:
    """Whether ``problem`` suits trip chaining: every vehicle carries one job at a time and
    all vehicles and jobs share one profile."""
    vehicles = problem.vehicles
    if not vehicles or any(v.max_onboard_jobs != 1 for v in vehicles):
        return False
    profiles = {v.profile for v in vehicles} | {j.profile for j in problem.jobs}
    return len(profiles) == 1


def poolable(problem: Problem) -> bool:
    """Whether ``problem`` suits pooled trip chaining: one profile, every job has a board key,
    and jobs that share a board key share their pickup location (a bus boards a group of jobs
    at one stop and drops them in turn, as charters from a station do)."""
    vehicles = problem.vehicles
    if not vehicles or not problem.jobs:
        return False
    profiles = {v.profile for v in vehicles} | {j.profile for j in problem.jobs}
    if len(profiles) != 1:
        return False
    pickups: dict[str, int] = {}
    for job in problem.jobs:
        if job.board_key is None or pickups.setdefault(job.board_key, job.pickup) != job.pickup:
            return False
    return True


def pyvrp_unsupported(problem: Problem) -> tuple[str, ...]:
    """The features of ``problem`` that the PyVRP backend does not model (empty: it does all).

    Parameters
    ----------
    problem
        The instance.

    Returns
    -------
    tuple[str, ...]
        Readable names of the missing features.
    """
    missing: list[str] = []
    if len(problem.matrices) != 1 or len({v.profile for v in problem.vehicles}) > 1:
        missing.append("several vehicle profiles")
    if any(j.profile not in problem.matrices for j in problem.jobs):
        missing.append("jobs for a profile without a matrix")
    if any(j.vehicles is not None for j in problem.jobs):
        missing.append("allowed-vehicle lists")
    if any(j.max_ride_s is not None for j in problem.jobs):
        missing.append("ride-time limits")
    if any(j.board_key is not None for j in problem.jobs):
        missing.append("board keys")
    if any(v.max_onboard_jobs is not None for v in problem.vehicles):
        missing.append("on-board limits")
    if any(v.max_shift_s is not None for v in problem.vehicles):
        missing.append("shift-length limits")
    if any(v.cost_per_hour > 0 for v in problem.vehicles):
        missing.append("per-hour costs")
    if not all(bool(m.reachable.all()) for m in problem.matrices.values()):
        missing.append("unreachable arcs")
    return tuple(missing)


def pyvrp_supports(problem: Problem, params: SolveParams | None = None) -> bool:
    """True when PyVRP models ``problem`` exactly and ``params`` name no OR-Tools strategy.

    Parameters
    ----------
    problem
        The instance.
    params
        Search settings; an explicit first-solution strategy or metaheuristic (OR-Tools
        terms) keeps the problem on OR-Tools. Default None.

    Returns
    -------
    bool
        Whether ``solve_pyvrp`` should handle it.
    """
    if params is not None and (
        params.first_solution != "automatic" or params.metaheuristic != "automatic"
    ):
        return False
    return bool(problem.jobs) and bool(problem.vehicles) and not pyvrp_unsupported(problem)
