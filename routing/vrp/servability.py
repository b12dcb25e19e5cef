"""Which vehicles could serve a job if it were their only job, or the reason none can.

Computed from the problem alone, once per solve (``routing.vrp.solver``): the backends leave
hopeless jobs out and restrict the others to the vehicles that could take them alone, repair
uses it to know where to look, and ``routing.vrp.diagnose`` starts every explanation from it.
Each reason carries a readable detail with the numbers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from routing.vrp.problem import Job, Problem, TimeWindow, VehicleSpec

logger = logging.getLogger(__name__)


class ReasonCode(StrEnum):
    """Why a job is unserved, from the most basic cause to the search itself."""

    NO_VEHICLE_PROFILE = "no_vehicle_profile"
    NOT_ALLOWED_VEHICLE = "not_allowed_vehicle"
    NO_VEHICLE_LARGE_ENOUGH = "no_vehicle_large_enough"
    UNREACHABLE = "unreachable"
    RIDE_TOO_LONG = "ride_too_long"
    OUTSIDE_ALL_SHIFTS = "outside_all_shifts"
    TIME_WINDOW_UNREACHABLE = "time_window_unreachable"
    SHIFT_TOO_SHORT = "shift_too_short"
    FLEET_EXHAUSTED = "fleet_exhausted"
    PENALTY_TOO_LOW = "penalty_too_low"
    SEARCH_LIMIT = "search_limit"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why one job is unserved.

    Parameters
    ----------
    code
        The cause.
    detail
        Readable explanation with the numbers (times as HH:MM, durations in minutes).
    vehicles
        Vehicles concerned: for FLEET_EXHAUSTED / PENALTY_TOO_LOW / SEARCH_LIMIT, those that
        could have served the job alone. Default none.
    arcs
        For UNREACHABLE: ``(from, to)`` location pairs without a route that cut the job off.
        Default none.
    """

    code: ReasonCode
    detail: str
    vehicles: tuple[str, ...] = ()
    arcs: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not self.detail:
            raise ValueError("a reason needs a detail")


@dataclass(frozen=True, slots=True)
class Servability:
    """What ``servable`` found for one job: the vehicles that can serve it alone, or why none.

    Parameters
    ----------
    vehicles
        Indices into ``problem.vehicles`` that can serve the job as their only job.
    reason
        Why no vehicle can (None when ``vehicles`` is not empty).
    """

    vehicles: tuple[int, ...]
    reason: Reason | None = None


def clock(seconds: int) -> str:
    """Seconds from midnight as ``HH:MM`` (``+1d`` past midnight)."""
    days, rest = divmod(int(seconds), 86400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return text + (f"+{days}d" if days else "")


def minutes(seconds: int) -> str:
    """A duration as whole minutes."""
    return f"{round(seconds / 60)} min"


@dataclass(frozen=True, slots=True)
class _Class:
    """Vehicles that are interchangeable for serving one job alone."""

    profile: str
    start: int
    end: int
    capacity: tuple[int, ...]
    shift: TimeWindow
    max_shift_s: int | None


@dataclass(frozen=True, slots=True)
class _Miss:
    """Why a job does not fit a vehicle class alone, and by how much (for choosing a detail)."""

    code: ReasonCode
    detail: str
    excess: int


def servable(problem: Problem) -> dict[str, Servability]:
    """For every job, the vehicles that could serve it as their only job, or the reason none can.

    Parameters
    ----------
    problem
        The instance.

    Returns
    -------
    dict[str, Servability]
        By job id.
    """
    classes: dict[_Class, list[int]] = defaultdict(list)
    for index, v in enumerate(problem.vehicles):
        key = _Class(v.profile, v.start, v.end, v.capacity, v.shift, v.max_shift_s)
        classes[key].append(index)
    return {job.job_id: _servable_job(problem, job, classes) for job in problem.jobs}


def _servable_job(problem: Problem, job: Job, classes: dict[_Class, list[int]]) -> Servability:
    vehicles = problem.vehicles
    fleet = [c for c in classes if c.profile == job.profile]
    if not fleet:
        profiles = sorted({v.profile for v in vehicles})
        have = ", ".join(profiles) if profiles else "no vehicles at all"
        return _no(ReasonCode.NO_VEHICLE_PROFILE, f"needs a {job.profile}; the fleet has {have}")
    allowed = {c: _allowed(job, classes[c], vehicles) for c in fleet}
    allowed = {c: members for c, members in allowed.items() if members}
    if not allowed:
        plates = sorted(job.vehicles or ())
        return _no(
            ReasonCode.NOT_ALLOWED_VEHICLE,
            f"may only use {names(plates)}, none of which is a {job.profile} in the fleet",
        )
    large = {c: m for c, m in allowed.items() if _fits(job.amount, c.capacity)}
    if not large:
        return _no(ReasonCode.NO_VEHICLE_LARGE_ENOUGH, _too_big(job, list(allowed)))
    matrix = problem.matrices[job.profile]
    if not matrix.reachable[job.pickup, job.delivery]:
        return _no(
            ReasonCode.UNREACHABLE,
            f"no {job.profile} route from {_place(problem, job.pickup)} "
            f"to {_place(problem, job.delivery)}",
            arcs=((job.pickup, job.delivery),),
        )
    reach = {
        c: m
        for c, m in large.items()
        if matrix.reachable[c.start, job.pickup] and matrix.reachable[job.delivery, c.end]
    }
    if not reach:
        return _unreachable_from_depots(problem, job, list(large))
    direct = int(matrix.time_s[job.pickup, job.delivery])
    if job.max_ride_s is not None and direct > job.max_ride_s:
        return _no(
            ReasonCode.RIDE_TOO_LONG,
            f"the direct ride takes {minutes(direct)}, longer than the limit of "
            f"{minutes(job.max_ride_s)}",
        )
    misses: list[_Miss] = []
    ok: list[int] = []
    for c, members in reach.items():
        miss = _alone(problem, job, c)
        if miss is None:
            ok.extend(members)
        else:
            misses.append(miss)
    if ok:
        return Servability(tuple(sorted(ok)))
    return _no_time(misses)


def _no(code: ReasonCode, detail: str, *, arcs: tuple[tuple[int, int], ...] = ()) -> Servability:
    return Servability((), Reason(code, detail, arcs=arcs))


def _allowed(job: Job, members: list[int], vehicles: Sequence[VehicleSpec]) -> list[int]:
    if job.vehicles is None:
        return members
    return [i for i in members if vehicles[i].vehicle_id in job.vehicles]


def _fits(amount: tuple[int, ...], capacity: tuple[int, ...]) -> bool:
    return all(a <= c for a, c in zip(amount, capacity, strict=True))


def _too_big(job: Job, classes: list[_Class]) -> str:
    for d, need in enumerate(job.amount):
        largest = max(c.capacity[d] for c in classes)
        if need > largest:
            dim = "" if len(job.amount) == 1 else f" (capacity dimension {d})"
            return f"needs {need}{dim}; the largest permitted {job.profile} carries {largest}"
    caps = sorted({c.capacity for c in classes})
    return f"needs {job.amount}; no permitted {job.profile} fits all dimensions ({caps})"


def _unreachable_from_depots(problem: Problem, job: Job, classes: list[_Class]) -> Servability:
    matrix = problem.matrices[job.profile]
    arcs = sorted(
        {(c.start, job.pickup) for c in classes if not matrix.reachable[c.start, job.pickup]}
        | {(job.delivery, c.end) for c in classes if not matrix.reachable[job.delivery, c.end]}
    )
    cut = [f"{_place(problem, a)} → {_place(problem, b)}" for a, b in arcs]
    shown = ", ".join(cut[:5]) + (f" and {len(cut) - 5} more" if len(cut) > 5 else "")
    return _no(
        ReasonCode.UNREACHABLE,
        f"no permitted {job.profile} can drive its depot → pickup → delivery → depot: "
        f"no route {shown}",
        arcs=tuple(arcs),
    )


def _alone(problem: Problem, job: Job, c: _Class) -> _Miss | None:
    """Can a vehicle of class ``c`` serve ``job`` as its only job? (closed form, exact)."""
    t = problem.matrices[c.profile].time_s
    to_pickup, ride, home = (
        int(t[c.start, job.pickup]),
        int(t[job.pickup, job.delivery]),
        int(t[job.delivery, c.end]),
    )
    pw, dw, shift = job.pickup_window, job.delivery_window, c.shift
    sp, sd = job.pickup_service_s, job.delivery_service_s
    if pw.end < shift.start or pw.start > shift.end or dw.start > shift.end:
        return _Miss(
            ReasonCode.OUTSIDE_ALL_SHIFTS,
            f"pickup {clock(pw.start)}–{clock(pw.end)} and delivery from {clock(dw.start)} "
            f"fall outside the shift {clock(shift.start)}–{clock(shift.end)}",
            max(shift.start - pw.end, pw.start - shift.end, dw.start - shift.end),
        )
    earliest_pickup = max(shift.start + to_pickup, pw.start)
    if earliest_pickup > pw.end:
        return _Miss(
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            f"from its depot at {clock(shift.start)} a {c.profile} reaches "
            f"{_place(problem, job.pickup)} at {clock(shift.start + to_pickup)} at the earliest "
            f"({minutes(to_pickup)} drive); the pickup window closes at {clock(pw.end)}",
            earliest_pickup - pw.end,
        )
    pickup = min(pw.end, max(earliest_pickup, dw.start - sp - ride))
    delivery = max(pickup + sp + ride, dw.start)
    if delivery > dw.end:
        return _Miss(
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            f"picked up at {clock(pickup)} at the earliest, it reaches "
            f"{_place(problem, job.delivery)} at {clock(delivery)} "
            f"({minutes(ride)} drive); the delivery window closes at {clock(dw.end)}",
            delivery - dw.end,
        )
    on_board = delivery - pickup - sp
    if job.max_ride_s is not None and on_board > job.max_ride_s:
        return _Miss(
            ReasonCode.RIDE_TOO_LONG,
            f"the delivery window opens at {clock(dw.start)}, so picked up by {clock(pw.end)} "
            f"the ride lasts {minutes(on_board)}, over the limit of {minutes(job.max_ride_s)}",
            on_board - job.max_ride_s,
        )
    back = delivery + sd + home
    if back > shift.end:
        return _Miss(
            ReasonCode.TIME_WINDOW_UNREACHABLE,
            f"after delivering at {clock(delivery)} a {c.profile} is back at its depot at "
            f"{clock(back)}, after its shift ends at {clock(shift.end)}",
            back - shift.end,
        )
    span = back - (pickup - to_pickup)
    if c.max_shift_s is not None and span > c.max_shift_s:
        return _Miss(
            ReasonCode.SHIFT_TOO_SHORT,
            f"serving it takes a {minutes(span)} shift (depot to depot); "
            f"shifts are limited to {minutes(c.max_shift_s)}",
            span - c.max_shift_s,
        )
    return None


def _no_time(misses: list[_Miss]) -> Servability:
    """One reason from the misses of every vehicle class: the common cause, else the timing."""
    codes = {m.code for m in misses}
    if len(codes) == 1:
        code = codes.pop()
    elif ReasonCode.TIME_WINDOW_UNREACHABLE in codes:
        code = ReasonCode.TIME_WINDOW_UNREACHABLE
    else:
        code = min(codes, key=list(ReasonCode).index)
    closest = min((m for m in misses if m.code is code), key=_excess)
    return _no(code, closest.detail)


def _excess(miss: _Miss) -> int:
    return miss.excess


def _place(problem: Problem, location: int) -> str:
    return problem.location_names[location]


def names(ids: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "") or "(none)"
