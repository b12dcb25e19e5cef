"""Applying events to a planning day: moved and added arrivals, exit statuses at a moment,
added vehicles and shipments — each a new ``Day`` (``Day.replace``), the base untouched.

The re-plan (``dispatch.replan.replanner``) picks which of these apply to whom (a worker on
board keeps the arrival they had); a scenario (``scenarios.changes.ApplyEvents``) applies them
all to the whole day with :func:`events_day`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence

from dispatch.day import Arrival, Day
from dispatch.replan.events import (
    EventLog,
    ExitChange,
    breakdown_times,
    delayed_arrivals,
    no_show_workers,
)
from stations.model import Exit, Registry


def with_arrivals(
    day: Day,
    moved: Mapping[str, dt.datetime],
    walk_ins: Sequence[Arrival] = (),
    *,
    dropped: Collection[str] = (),
) -> Day:
    """``day`` with the arrival times of ``moved`` changed, ``walk_ins`` added at the end and
    the workers in ``dropped`` taken out."""
    arrivals = [
        dataclasses.replace(a, arrival_time=moved[a.worker_id]) if a.worker_id in moved else a
        for a in day.arrivals
        if a.worker_id not in dropped
    ]
    return day.replace(arrivals=(*arrivals, *walk_ins))


def exits_at(day: Day, changes: Sequence[ExitChange], moment: dt.datetime) -> Registry[Exit]:
    """The exits with the statuses that hold at ``moment``: for each exit the change with the
    latest start not after ``moment`` (the one known last among equal starts), else the day's
    own status."""
    latest: dict[str, ExitChange] = {}
    for change in changes:  # in the order they became known
        if change.start > moment:
            continue
        held = latest.get(change.exit_id)
        if held is None or change.start >= held.start:
            latest[change.exit_id] = change
    entries = [
        (
            exit_id,
            dataclasses.replace(
                exit_, status=latest[exit_id].status, delay_min=latest[exit_id].delay_min
            )
            if exit_id in latest
            else exit_,
        )
        for exit_id, exit_ in day.exits.items()
    ]
    return Registry(day.exits.kind, tuple(entries))


def exit_times(changes: Sequence[ExitChange], after: dt.datetime) -> list[dt.datetime]:
    """The distinct times after ``after`` at which an exit status changes, in order."""
    return sorted({c.start for c in changes if c.start > after})


def with_fleet(day: Day, log: EventLog, *, ends: Mapping[str, dt.datetime] | None = None) -> Day:
    """``day`` with the vehicles (and permits) ``log`` adds; ``ends`` ends vehicles'
    availability (a scenario's breakdowns). Default None."""
    fleet = [*day.fleet, *(e.vehicle for e in log.vehicles_added)]
    if ends:
        fleet = [
            dataclasses.replace(v, available_to=_ended(v.available_to, ends[v.vehicle_id]))
            if v.vehicle_id in ends
            else v
            for v in fleet
        ]
    permits = (*day.permits, *(e.permit for e in log.vehicles_added))
    return day.replace(fleet=tuple(fleet), permits=permits)


def _ended(available_to: dt.datetime | None, end: dt.datetime) -> dt.datetime:
    return end if available_to is None else min(available_to, end)


def with_shipments(day: Day, log: EventLog, *, keep: Collection[str] = ()) -> Day:
    """``day`` with the shipments ``log`` adds and without those it cancels (but ``keep``)."""
    cancelled = {e.shipment_id for e in log.shipments_cancelled} - set(keep)
    shipments = [s for s in day.shipments if s.shipment_id not in cancelled]
    shipments += [
        e.shipment for e in log.shipments_added if e.shipment.shipment_id not in cancelled
    ]
    return day.replace(shipments=tuple(shipments))


def events_day(day: Day, log: EventLog, at: dt.datetime) -> Day:
    """The whole day as the events known at ``at`` describe it — what a scenario plans
    before it happens: delayed arrivals moved, no-shows taken out, walk-ins added, the exits
    as they stand at the end of the day, broken-down vehicles available until their
    breakdown, added vehicles and shipments in, cancelled shipments out."""
    known = log.known_by(at)
    registered = day.arrivals
    moved = delayed_arrivals(registered, known.delays)
    walk_ins = [a for event in known.walk_ins for a in event.arrivals]
    dropped = set(no_show_workers([*registered, *walk_ins], known.no_shows))
    came = [a for a in walk_ins if a.worker_id not in dropped]
    day = with_arrivals(day, moved, came, dropped=dropped)
    end = dt.datetime.max
    day = day.replace(exits=exits_at(day, known.exit_changes, end))
    ends = {v: e.time for v, e in breakdown_times(known.breakdowns).items()}
    day = with_fleet(day, known, ends=ends)
    return with_shipments(day, known)
