"""Why each unserved worker gets no bus: specific reasons with the numbers, per worker.

Workers left out while grouping keep their grouping reason. For trip requests the solver left
unserved, ``routing.vrp.diagnose.explain`` gives a generic reason; here it becomes a worker-facing
``UnservedReason`` with a detail in domain words:

* no route (``unreachable``) — the day network names the exits whose status (closed, or
  freight-only for buses) cuts the route (``DayNetwork.blocking_exits``): ``route_blocked_by_exit``
  with the exit ids and names. Without such an exit the roads themselves do not connect the
  places; that is reported as ``time_window_unreachable`` with a detail saying so.
* a time window that a bus can reach but not serve and be back at its depot within its shift
  (or the operating day) is ``outside_all_shifts``; one no bus reaches in time is
  ``time_window_unreachable``.
* ``fleet_exhausted`` — how many buses could have served the request alone, which, and that
  all of them were busy around its pickup window.
* time windows, ride limits and shifts — the times from the diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dispatch.charters.bus_problem import PROFILE, Built, place_of
from dispatch.charters.grouping import TripRequest, UnservedWorker
from dispatch.day import Day
from dispatch.plan import Unserved
from dispatch.policy import format_clock
from dispatch.reasons import UnservedReason
from routing.network.daynetwork import DayNetwork
from routing.network.speed import VehicleClass
from routing.vrp.servability import Reason, ReasonCode
from stations.model import ExitStatus

_CODES: dict[ReasonCode, UnservedReason] = {
    ReasonCode.NO_VEHICLE_PROFILE: UnservedReason.NO_USABLE_BUS,
    ReasonCode.NOT_ALLOWED_VEHICLE: UnservedReason.NO_USABLE_BUS,
    ReasonCode.NO_VEHICLE_LARGE_ENOUGH: UnservedReason.NO_VEHICLE_LARGE_ENOUGH,
    ReasonCode.UNREACHABLE: UnservedReason.ROUTE_BLOCKED_BY_EXIT,
    ReasonCode.RIDE_TOO_LONG: UnservedReason.RIDE_TOO_LONG,
    ReasonCode.OUTSIDE_ALL_SHIFTS: UnservedReason.OUTSIDE_ALL_SHIFTS,
    ReasonCode.TIME_WINDOW_UNREACHABLE: UnservedReason.TIME_WINDOW_UNREACHABLE,
    ReasonCode.SHIFT_TOO_SHORT: UnservedReason.OUTSIDE_ALL_SHIFTS,
    ReasonCode.FLEET_EXHAUSTED: UnservedReason.FLEET_EXHAUSTED,
    # the planner repairs these before explaining; if one remains, no bus was found free
    ReasonCode.PENALTY_TOO_LOW: UnservedReason.FLEET_EXHAUSTED,
    ReasonCode.SEARCH_LIMIT: UnservedReason.FLEET_EXHAUSTED,
}

_STATUS_TEXT = {
    ExitStatus.CLOSED: "closed",
    ExitStatus.FREIGHT_ONLY: "freight-only",
    ExitStatus.OPEN: "open",
    ExitStatus.GREEN_CHANNEL: "green channel",
}


class ExitBlame:
    """Exits blamed for cut arcs, asked of the day network once per pair of places."""

    def __init__(self, built: Built, daynet: DayNetwork) -> None:
        self.built = built
        self.daynet = daynet
        self.memo: dict[tuple[int, int], tuple[str, ...]] = {}

    def exits(self, arcs: Sequence[tuple[int, int]]) -> tuple[str, ...]:
        """Exit ids whose status cuts any of the ``(from, to)`` location pairs, in order."""
        found: list[str] = []
        day = self.built.prepared.day
        keys = self.built.travel.keys
        for a, b in arcs:
            if (a, b) not in self.memo:
                self.memo[a, b] = self.daynet.blocking_exits(
                    place_of(day, keys[a]), place_of(day, keys[b])
                )
            found.extend(e for e in self.memo[a, b] if e not in found)
        return tuple(found)


def _exit_list(day: Day, exit_ids: Sequence[str]) -> str:
    parts = []
    for exit_id in exit_ids:
        ex = day.exits[exit_id]
        parts.append(f"{exit_id} {ex.name} ({_STATUS_TEXT[ex.status]})")
    return ", ".join(parts)


def _arcs_text(built: Built, arcs: Sequence[tuple[int, int]]) -> str:
    keys = built.travel.keys
    shown = [f"{keys[a]} → {keys[b]}" for a, b in arcs[:3]]
    more = f" and {len(arcs) - 3} more" if len(arcs) > 3 else ""
    return ", ".join(shown) + more


def _plates(vehicles: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(vehicles[:limit])
    return shown + (f" and {len(vehicles) - limit} more" if len(vehicles) > limit else "")


def request_reason(
    built: Built, request: TripRequest, reason: Reason, blame: ExitBlame
) -> tuple[UnservedReason, str, tuple[str, ...]]:
    """``(reason, detail, exits)`` for a request the solver left unserved."""
    day = built.prepared.day
    code = _CODES[reason.code]
    if reason.code is ReasonCode.UNREACHABLE:
        exits = blame.exits(reason.arcs)
        where = _arcs_text(built, reason.arcs)
        if exits:
            return code, f"no bus route {where}: cut by exit {_exit_list(day, exits)}", exits
        return (
            UnservedReason.TIME_WINDOW_UNREACHABLE,
            f"no bus can drive {where}: the roads do not connect these places "
            "(no exit status is the cause)",
            (),
        )
    if code is UnservedReason.FLEET_EXHAUSTED:
        window = (
            f"{format_clock(day.minutes_of(request.pickup_earliest))}–"
            f"{format_clock(day.minutes_of(request.pickup_latest))}"
        )
        plates = list(reason.vehicles)
        if reason.code is ReasonCode.FLEET_EXHAUSTED:
            detail = (
                f"{len(plates)} bus(es) could have served this group of {request.passengers} "
                f"alone ({_plates(plates)}), but all of them were busy around its pickup "
                f"window {window}"
            )
        else:
            detail = f"no bus was found free around its pickup window {window}: {reason.detail}"
        return code, detail, ()
    if reason.code is ReasonCode.TIME_WINDOW_UNREACHABLE and _reaches_pickup(built, request):
        # a bus gets there in time, but cannot deliver and be back within its shift
        return UnservedReason.OUTSIDE_ALL_SHIFTS, reason.detail, ()
    return code, reason.detail, ()


def _reaches_pickup(built: Built, request: TripRequest) -> bool:
    """Whether some bus, leaving its depot when its shift starts, reaches the station in time."""
    problem = built.problem
    job = next(j for j in problem.jobs if j.job_id == request.request_id)
    time_s = problem.matrices[PROFILE].time_s
    reachable = problem.matrices[PROFILE].reachable
    return any(
        v.shift.start + int(time_s[v.start, job.pickup]) <= job.pickup_window.end
        for v in problem.vehicles
        if reachable[v.start, job.pickup]
    )


def grouping_detail(day: Day, worker: UnservedWorker, buses: int) -> str:
    """The detail of a worker left out while grouping."""
    policy = day.policy
    arrived = format_clock(day.minutes_of(worker.arrival.arrival_time))
    window = f"{format_clock(policy.day_start_min)}–{format_clock(policy.day_end_min)}"
    if worker.reason is UnservedReason.NO_USABLE_BUS:
        if buses == 0:
            return "the fleet has no buses"
        return f"none of the {buses} bus(es) in the fleet may be dispatched (see the vehicles)"
    return (
        f"arrives {arrived}; boarding must start within the operating day {window}, "
        f"between {policy.transfer_min:g} min after arrival (transfer) and "
        f"{policy.max_wait_min:g} min after it (longest wait)"
    )


def unserved_rows(
    built: Built,
    unassigned: Sequence[str],
    reasons: Mapping[str, Reason],
    daynet: DayNetwork,
) -> tuple[Unserved, ...]:
    """One ``Unserved`` row per worker: grouping leftovers first, then per unserved request.

    Parameters
    ----------
    built
        The problem and its domain mapping.
    unassigned
        Request ids the solution leaves unserved.
    reasons
        ``routing.vrp.diagnose.explain`` for them, by request id.
    daynet
        The day network (to blame exits).
    """
    day = built.prepared.day
    buses = sum(1 for v in day.fleet if v.vehicle_class is VehicleClass.BUS)
    rows: list[Unserved] = []
    for worker in built.prepared.grouping.unserved:
        a = worker.arrival
        rows.append(
            Unserved(
                worker_id=a.worker_id,
                station_id=a.station_id,
                enterprise_id=a.enterprise_id,
                arrival_time=a.arrival_time,
                reason=worker.reason,
                detail=grouping_detail(day, worker, buses),
            )
        )
    blame = ExitBlame(built, daynet)
    arrivals = {a.worker_id: a for a in day.arrivals}
    for request_id in unassigned:
        request = built.requests[request_id]
        code, detail, exits = request_reason(built, request, reasons[request_id], blame)
        for worker_id in request.worker_ids:
            rows.append(
                Unserved(
                    worker_id=worker_id,
                    station_id=request.station_id,
                    enterprise_id=request.enterprise_id,
                    arrival_time=arrivals[worker_id].arrival_time,
                    reason=code,
                    detail=detail,
                    request_id=request_id,
                    exits=exits,
                )
            )
    return tuple(rows)
