"""The groups of a re-plan: frozen trips as they are, open base trips with the events applied,
and new groups for the workers that need one.

Rules (docs/replan.md, "Groups"):

* an open base trip keeps its id and its workers less its no-shows (none left: the trip is
  cancelled); when a late train leaves its boarding window empty (the last member's arrival
  plus the transfer after the first member's longest wait), the workers whose arrival moved
  leave it — otherwise the group stays whole and only its window moves;
* the workers who left a group, the walk-ins who pass screening and the workers the base plan
  left unserved form new groups by the grouping rule of ``dispatch.charters.grouping``; a new
  group with exactly the workers of a base trip or request takes its id, any other new group
  an id no base trip has (``…/1200r-1``);
* a base-unserved worker whose longest wait ended before the re-plan keeps the base reason;
* a group whose boarding window closes before the re-plan's clock time cannot be served (its
  workers waited too long already).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from dispatch.charters.grouping import (
    Grouping,
    TripRequest,
    UnservedWorker,
    boarding_window,
    group_request,
    group_workers,
)
from dispatch.day import Arrival, Day
from dispatch.plan import Unserved
from dispatch.reasons import UnservedReason
from dispatch.replan.base import BasePlan


@dataclass(frozen=True, slots=True)
class Regrouped:
    """The groups of a re-plan.

    Parameters
    ----------
    frozen
        One request per frozen trip (its workers and window as planned).
    open
        The requests to plan: open base trips (their ids kept) and new groups.
    too_late
        Requests whose boarding window closed before the clock time.
    unserved
        Workers left out while grouping (``dispatch.charters.grouping`` reasons) and the
        no-shows (``no_show``).
    carried
        Base-unserved workers whose longest wait ended before the clock time: their base row.
    carried_workers
        The same workers as left out while grouping (with the base reason).
    cancelled
        Open base trips all of whose workers are gone (no-shows, or moved to new groups).
    retimed
        Open base trips whose workers can no longer board when planned (a late train moved
        their window past the planned boarding time).
    """

    frozen: tuple[TripRequest, ...]
    open: tuple[TripRequest, ...]
    too_late: tuple[TripRequest, ...]
    unserved: tuple[UnservedWorker, ...]
    carried: tuple[Unserved, ...]
    carried_workers: tuple[UnservedWorker, ...]
    cancelled: tuple[str, ...]
    retimed: tuple[str, ...] = ()

    def grouping(self) -> Grouping:
        """Every request and every worker left out, as one ``Grouping`` of the day."""
        requests = (*self.frozen, *self.open, *self.too_late)
        return Grouping(requests, (*self.unserved, *self.carried_workers))


def boarding_fits(day: Day, board_start: dt.datetime, members: Sequence[Arrival]) -> bool:
    """Whether a group whose members arrive as ``members`` may still start boarding at
    ``board_start`` (its boarding window, as the grouping rule gives it, holds that time)."""
    times = [a.arrival_time for a in members]
    earliest, latest = boarding_window(day, min(times), max(times))
    return earliest <= board_start <= latest


def touched_trips(day: Day, base: BasePlan, no_shows: Collection[str]) -> frozenset[str]:
    """The base trips an event touches: a no-show among their workers, or a boarding time
    the arrivals as ``day`` has them now (late trains applied) no longer allow. A trip planned
    after an event already (an earlier version applied it) is not touched again."""
    arrivals = {a.worker_id: a for a in day.arrivals}
    out: set[str] = set()
    for trip in base.trips:
        members = [arrivals[w] for w in trip.worker_ids]
        if any(w in no_shows for w in trip.worker_ids) or not boarding_fits(
            day, trip.board_start, members
        ):
            out.add(trip.trip_id)
    return frozenset(out)


def frozen_request(day: Day, base: BasePlan, trip_id: str) -> TripRequest:
    """The request of a frozen trip: its workers, and the window they had (the boarding time
    itself when the policy now gives none)."""
    trip = base.trip(trip_id)
    arrivals = {a.worker_id: a for a in day.arrivals}
    members = [arrivals[w] for w in trip.worker_ids]
    request = group_request(day, trip_id, members, escort_seats=trip.escort_seats)
    if request is not None and request.pickup_earliest <= trip.board_start <= request.pickup_latest:
        return request
    ordered = sorted(members, key=lambda a: (a.arrival_time, a.worker_id))
    return TripRequest(
        request_id=trip_id,
        station_id=trip.station_id,
        enterprise_id=trip.enterprise_id,
        worker_ids=tuple(a.worker_id for a in ordered),
        escort_seats=trip.escort_seats,
        pickup_earliest=trip.board_start,
        pickup_latest=trip.board_start,
        first_arrival=ordered[0].arrival_time,
        last_arrival=ordered[-1].arrival_time,
        pickup_service_min=day.policy.pickup_service_min(len(ordered)),
        delivery_service_min=day.policy.alight_min,
        max_ride_min=day.policy.max_ride_min,
    )


def _fresh_id(request_id: str, taken: Collection[str]) -> str:
    """``request_id`` made unique against ``taken``: ``S/E/1200-1`` → ``S/E/1200r-1``,
    ``S/E/1200r2-1``, …"""
    stem, _, chunk = request_id.rpartition("-")
    k = 1
    while True:
        candidate = f"{stem}r{'' if k == 1 else k}-{chunk}"
        if candidate not in taken:
            return candidate
        k += 1


def name_groups(
    requests: Iterable[TripRequest], known: Mapping[frozenset[str], str], taken: set[str]
) -> list[TripRequest]:
    """New groups with ids: a base trip's or request's id when the workers are exactly its
    workers (``known``), else their own id, made unique against ``taken`` (which grows)."""
    out: list[TripRequest] = []
    for request in requests:
        same = known.get(frozenset(request.worker_ids))
        if same is not None and same not in taken:
            name = same
        elif request.request_id in taken or request.request_id in known.values():
            name = _fresh_id(request.request_id, taken | set(known.values()))
        else:
            name = request.request_id
        taken.add(name)
        out.append(request if name == request.request_id else replace(request, request_id=name))
    return out


@dataclass(frozen=True, slots=True)
class GroupInputs:
    """What regrouping needs besides the day.

    Parameters
    ----------
    base
        The base plan.
    frozen_trips
        Ids of the frozen trips.
    open_trips
        Ids of the base trips that are open again.
    eligible
        Workers who pass screening on the re-plan's day (walk-ins included), by id.
    moved
        Workers whose arrival an event moved (only those not on board).
    no_shows
        Workers reported as not coming (not on board).
    max_workers
        Workers the largest usable bus carries.
    at
        The clock time.
    """

    base: BasePlan
    frozen_trips: Collection[str]
    open_trips: Collection[str]
    eligible: Mapping[str, Arrival]
    moved: Collection[str]
    no_shows: Collection[str]
    max_workers: int
    at: dt.datetime


def regroup(day: Day, inputs: GroupInputs) -> Regrouped:
    """The groups of the re-plan's day (see the module rules)."""
    base, eligible = inputs.base, inputs.eligible
    frozen = tuple(frozen_request(day, base, t) for t in sorted(inputs.frozen_trips))
    on_board = {w for r in frozen for w in r.worker_ids}
    gone = set(inputs.no_shows) - on_board
    unserved = [
        UnservedWorker(eligible[w], UnservedReason.NO_SHOW) for w in sorted(gone) if w in eligible
    ]
    kept: list[TripRequest] = []
    cancelled: list[str] = []
    retimed: list[str] = []
    pool: list[Arrival] = []
    for trip in base.trips:
        if trip.trip_id not in inputs.open_trips:
            continue
        members = [eligible[w] for w in trip.worker_ids if w not in gone and w in eligible]
        request = group_request(day, trip.trip_id, members) if members else None
        if request is None and members:
            stay = [a for a in members if a.worker_id not in inputs.moved]
            pool += [a for a in members if a.worker_id in inputs.moved]
            request = group_request(day, trip.trip_id, stay) if stay else None
        if request is None:
            cancelled.append(trip.trip_id)
            continue
        kept.append(request)
        if not request.pickup_earliest <= trip.board_start <= request.pickup_latest:
            retimed.append(trip.trip_id)  # its workers no longer board when planned
    carried: list[Unserved] = []
    carried_workers: list[UnservedWorker] = []
    wait = dt.timedelta(minutes=day.policy.max_wait_min)
    for row in base.unserved:
        arrival = eligible.get(row.worker_id)
        if arrival is None or row.worker_id in gone:
            continue
        closed = min(arrival.arrival_time + wait, day.day_end) < inputs.at
        if closed and row.worker_id not in inputs.moved:
            carried.append(row)
            carried_workers.append(UnservedWorker(arrival, row.reason))
        else:
            pool.append(arrival)
    placed = on_board | {w for r in kept for w in r.worker_ids} | gone
    placed |= {u.worker_id for u in carried} | {a.worker_id for a in pool}
    pool += [a for w, a in eligible.items() if w not in placed]  # walk-ins
    grouped = group_workers(day, pool, max_workers=inputs.max_workers)
    known = {frozenset(t.worker_ids): t.trip_id for t in base.trips}
    of_unserved: dict[str, set[str]] = {}
    for row in base.unserved:
        if row.request_id is not None:
            of_unserved.setdefault(row.request_id, set()).add(row.worker_id)
    known.update({frozenset(ws): r for r, ws in of_unserved.items()})
    taken = {r.request_id for r in (*frozen, *kept)}
    new = name_groups(grouped.requests, known, taken)
    unserved += grouped.unserved
    ready = [r for r in (*kept, *new) if r.pickup_latest >= inputs.at]
    late = [r for r in (*kept, *new) if r.pickup_latest < inputs.at]
    return Regrouped(
        frozen=frozen,
        open=tuple(ready),
        too_late=tuple(late),
        unserved=tuple(unserved),
        carried=tuple(carried),
        carried_workers=tuple(carried_workers),
        cancelled=tuple(cancelled),
        retimed=tuple(retimed),
    )
