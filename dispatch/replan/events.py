"""The events of a day: what became known at which clock time (late trains, no-shows,
walk-ins, exit statuses, breakdowns, added vehicles and shipments), as typed records.

Every event carries ``known_at``, when the centre learned of it: a re-plan at ``--at`` applies
the events known by then and leaves the later ones for a later re-plan, so one events file can
be replayed at several times. ``source`` says where the event was read (table and row), so a
problem found later still names them.

Rules that read the events (one place, used by the re-plan and by scenarios):

* a train delay moves the *registered* arrival of each worker it matches (train number, or an
  arrival window of the registered times) by its minutes; when several known delays match a
  worker, the one known last wins (a new report replaces an earlier one, it does not add up);
* a no-show names workers, or a share of one train's workers at a station: those whose
  SHA-256 of the worker id ranks first (the same workers on every machine), ``share × n``
  rounded half up;
* an exit status holds from its ``time`` on; a breakdown takes its vehicle out from its
  ``time`` on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from dispatch.day import Arrival, Permit, Shipment, Vehicle
from stations.model import ExitStatus


class EventKind(StrEnum):
    """What kind of thing happened."""

    TRAIN_DELAY = "train_delay"
    NO_SHOW = "no_show"
    WALK_IN = "walk_in"
    EXIT_STATUS = "exit_status"
    VEHICLE_BREAKDOWN = "vehicle_breakdown"
    VEHICLE_ADDED = "vehicle_added"
    SHIPMENT_ADDED = "shipment_added"
    SHIPMENT_CANCELLED = "shipment_cancelled"


@dataclass(frozen=True, slots=True)
class EventSource:
    """Where an event was read: its table (``events.csv``, ``day.xlsx[events]``,
    ``events.yaml line 12``) and spreadsheet row (None for YAML and events made in code)."""

    table: str = "events"
    row: int | None = None

    def __str__(self) -> str:
        return self.table if self.row is None else f"{self.table} row {self.row}"


@dataclass(frozen=True, slots=True)
class TrainDelay:
    """Workers of a train (or of an arrival window) at a station arrive ``minutes`` late.

    Parameters
    ----------
    known_at
        When it became known.
    station_id
        The arrival station.
    minutes
        Minutes late against the registered arrival (negative: early).
    train_no
        The train or coach number. Default None (use the window).
    window_start, window_end
        The registered arrivals ``[start, end)`` it moves (with or instead of the train).
        Default None.
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    station_id: str
    minutes: float
    train_no: str | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    source: EventSource = field(default_factory=EventSource)

    def __post_init__(self) -> None:
        if self.train_no is None and self.window_start is None and self.window_end is None:
            raise ValueError("a train delay names a train number or an arrival window")
        if not math.isfinite(self.minutes):
            raise ValueError(f"delay minutes must be finite, got {self.minutes}")
        start, end = self.window_start, self.window_end
        if start is not None and end is not None and end <= start:
            raise ValueError("the arrival window ends before it starts")

    @property
    def kind(self) -> EventKind:
        """``train_delay``."""
        return EventKind.TRAIN_DELAY

    def matches(self, arrival: Arrival) -> bool:
        """Whether the registered ``arrival`` is on the delayed train (or in the window)."""
        if arrival.station_id != self.station_id:
            return False
        if self.train_no is not None and arrival.train_no != self.train_no:
            return False
        when = arrival.arrival_time
        if self.window_start is not None and when < self.window_start:
            return False
        return self.window_end is None or when < self.window_end


@dataclass(frozen=True, slots=True)
class NoShow:
    """Registered workers who will not come: named, or a share of one train at a station.

    Parameters
    ----------
    known_at
        When it became known.
    worker_ids
        The workers. Default () (use the train and share).
    station_id, train_no, share
        A share (0 < share ≤ 1) of the workers of train ``train_no`` at ``station_id``.
        Default None.
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    worker_ids: tuple[str, ...] = ()
    station_id: str | None = None
    train_no: str | None = None
    share: float | None = None
    source: EventSource = field(default_factory=EventSource)

    def __post_init__(self) -> None:
        by_train = self.station_id is not None and self.train_no is not None
        if bool(self.worker_ids) == (by_train and self.share is not None):
            raise ValueError("a no-show names workers, or a station, train and share (not both)")
        if self.share is not None and not 0 < self.share <= 1:
            raise ValueError(f"a no-show share lies in (0, 1], got {self.share}")

    @property
    def kind(self) -> EventKind:
        """``no_show``."""
        return EventKind.NO_SHOW

    def train_workers(self, arrivals: Iterable[Arrival]) -> list[str]:
        """The registered workers of the named train at the named station."""
        return [
            a.worker_id
            for a in arrivals
            if a.station_id == self.station_id and a.train_no == self.train_no
        ]

    def workers(self, arrivals: Iterable[Arrival]) -> tuple[str, ...]:
        """The worker ids it names (a share: the first by SHA-256 rank of the id)."""
        if self.worker_ids:
            return self.worker_ids
        train = sorted(self.train_workers(arrivals))
        count = math.floor(len(train) * (self.share or 0.0) + 0.5)
        ranked = sorted(train, key=lambda w: hashlib.sha256(w.encode()).digest())
        return tuple(sorted(ranked[:count]))


@dataclass(frozen=True, slots=True)
class WalkIn:
    """Workers who arrived without registering (screened like every arrival).

    Parameters
    ----------
    known_at
        When they were reported.
    arrivals
        Their arrival rows (new worker ids).
    event_id
        The event's id (walk-in rows refer to it). Default "".
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    arrivals: tuple[Arrival, ...]
    event_id: str = ""
    source: EventSource = field(default_factory=EventSource)

    def __post_init__(self) -> None:
        if not self.arrivals:
            raise ValueError("a walk-in event has no workers")

    @property
    def kind(self) -> EventKind:
        """``walk_in``."""
        return EventKind.WALK_IN


@dataclass(frozen=True, slots=True)
class ExitChange:
    """An exit's status (and checkpoint delay) from ``start`` on.

    Parameters
    ----------
    known_at
        When it became known.
    exit_id
        The exit.
    status
        Its new status.
    start
        From when it holds.
    delay_min
        Its checkpoint delay from then on. Default None (the status's default).
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    exit_id: str
    status: ExitStatus
    start: dt.datetime
    delay_min: float | None = None
    source: EventSource = field(default_factory=EventSource)

    @property
    def kind(self) -> EventKind:
        """``exit_status``."""
        return EventKind.EXIT_STATUS


@dataclass(frozen=True, slots=True)
class VehicleBreakdown:
    """A vehicle breaks down at ``time``: it delivers what is on board and is gone.

    Parameters
    ----------
    known_at
        When it became known.
    vehicle_id
        The plate.
    time
        When it broke down (its position then comes from the plan).
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    vehicle_id: str
    time: dt.datetime
    source: EventSource = field(default_factory=EventSource)

    @property
    def kind(self) -> EventKind:
        """``vehicle_breakdown``."""
        return EventKind.VEHICLE_BREAKDOWN


@dataclass(frozen=True, slots=True)
class VehicleAdded:
    """A vehicle joins the fleet for the rest of the day, with its permit.

    Parameters
    ----------
    known_at
        When it became known.
    vehicle
        The vehicle (its ``available_from`` is when it can leave its depot).
    permit
        Its permit (passenger for a bus, goods for a truck).
    source
        Where it was read. Default ``events``.
    """

    known_at: dt.datetime
    vehicle: Vehicle
    permit: Permit
    source: EventSource = field(default_factory=EventSource)

    @property
    def kind(self) -> EventKind:
        """``vehicle_added``."""
        return EventKind.VEHICLE_ADDED


@dataclass(frozen=True, slots=True)
class ShipmentAdded:
    """A supply shipment is added to the day."""

    known_at: dt.datetime
    shipment: Shipment
    source: EventSource = field(default_factory=EventSource)

    @property
    def kind(self) -> EventKind:
        """``shipment_added``."""
        return EventKind.SHIPMENT_ADDED


@dataclass(frozen=True, slots=True)
class ShipmentCancelled:
    """A supply shipment is cancelled (too late once its truck has left with it)."""

    known_at: dt.datetime
    shipment_id: str
    source: EventSource = field(default_factory=EventSource)

    @property
    def kind(self) -> EventKind:
        """``shipment_cancelled``."""
        return EventKind.SHIPMENT_CANCELLED


Event = (
    TrainDelay
    | NoShow
    | WalkIn
    | ExitChange
    | VehicleBreakdown
    | VehicleAdded
    | ShipmentAdded
    | ShipmentCancelled
)


@dataclass(frozen=True, slots=True)
class EventLog:
    """The events of one day, in the order they became known (stable for equal times).

    Parameters
    ----------
    events
        The events (sorted by ``known_at`` on construction).
    source
        Where they were read (a file name). Default "".
    """

    events: tuple[Event, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        ordered = sorted(enumerate(self.events), key=lambda pair: (pair[1].known_at, pair[0]))
        object.__setattr__(self, "events", tuple(e for _, e in ordered))

    def __len__(self) -> int:
        return len(self.events)

    def known_by(self, moment: dt.datetime) -> EventLog:
        """The events known at ``moment`` (``known_at <= moment``)."""
        return EventLog(tuple(e for e in self.events if e.known_at <= moment), self.source)

    def later_than(self, moment: dt.datetime) -> tuple[Event, ...]:
        """The events not yet known at ``moment``."""
        return tuple(e for e in self.events if e.known_at > moment)

    def of_kind(self, kind: EventKind) -> tuple[Event, ...]:
        """The events of one kind, in order."""
        return tuple(e for e in self.events if e.kind is kind)

    @property
    def delays(self) -> tuple[TrainDelay, ...]:
        """The train delays."""
        return tuple(e for e in self.events if isinstance(e, TrainDelay))

    @property
    def no_shows(self) -> tuple[NoShow, ...]:
        """The no-shows."""
        return tuple(e for e in self.events if isinstance(e, NoShow))

    @property
    def walk_ins(self) -> tuple[WalkIn, ...]:
        """The walk-in events."""
        return tuple(e for e in self.events if isinstance(e, WalkIn))

    @property
    def exit_changes(self) -> tuple[ExitChange, ...]:
        """The exit status changes."""
        return tuple(e for e in self.events if isinstance(e, ExitChange))

    @property
    def breakdowns(self) -> tuple[VehicleBreakdown, ...]:
        """The breakdowns."""
        return tuple(e for e in self.events if isinstance(e, VehicleBreakdown))

    @property
    def vehicles_added(self) -> tuple[VehicleAdded, ...]:
        """The vehicles added."""
        return tuple(e for e in self.events if isinstance(e, VehicleAdded))

    @property
    def shipments_added(self) -> tuple[ShipmentAdded, ...]:
        """The shipments added."""
        return tuple(e for e in self.events if isinstance(e, ShipmentAdded))

    @property
    def shipments_cancelled(self) -> tuple[ShipmentCancelled, ...]:
        """The shipments cancelled."""
        return tuple(e for e in self.events if isinstance(e, ShipmentCancelled))

    def counts(self) -> dict[str, int]:
        """Events per kind (kinds without any left out), in kind order."""
        return {k.value: n for k in EventKind if (n := len(self.of_kind(k)))}


def delayed_arrivals(
    arrivals: Sequence[Arrival], delays: Sequence[TrainDelay]
) -> dict[str, dt.datetime]:
    """Worker id → the arrival time after the delays (only workers a delay matches; the
    delay known last wins)."""
    moved: dict[str, dt.datetime] = {}
    for arrival in arrivals:
        last = None
        for delay in delays:  # in the order they became known
            if delay.matches(arrival):
                last = delay
        if last is not None:
            moved[arrival.worker_id] = arrival.arrival_time + dt.timedelta(minutes=last.minutes)
    return moved


def no_show_workers(arrivals: Sequence[Arrival], no_shows: Sequence[NoShow]) -> dict[str, NoShow]:
    """Worker id → the (first) no-show event that names it."""
    found: dict[str, NoShow] = {}
    for event in no_shows:
        for worker_id in event.workers(arrivals):
            found.setdefault(worker_id, event)
    return found


def breakdown_times(breakdowns: Sequence[VehicleBreakdown]) -> Mapping[str, VehicleBreakdown]:
    """Vehicle id → its (earliest) breakdown."""
    found: dict[str, VehicleBreakdown] = {}
    for event in sorted(breakdowns, key=lambda e: e.time):
        found.setdefault(event.vehicle_id, event)
    return found
