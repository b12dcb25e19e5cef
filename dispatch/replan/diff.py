"""What a re-plan changed against its parent: workers, trips and buses.

* A **worker**'s assignment is their bus and boarding time (or unserved with a reason, or
  excluded). Those *still to move* at the clock time are the parent's transported workers who
  had not boarded by then; a change is another bus or another boarding time (by a minute or
  more), or no bus any more. Changes an event forces — the worker's own train is late, they
  did not come, their bus broke down — are counted apart from those the re-plan chose.
* A **trip** (by id) is *cancelled* (in the parent, not in the child), *added*, *moved* (to
  another bus), *re-timed* (boarding, departure or arrival at the employer by a minute or
  more) or *resized* (other workers).
* A **bus** has a *changed duty* when its trips differ, or one of them moved to it, was
  re-timed, added or cancelled (a trip that only lost a no-show leaves the duty as it was;
  its trip sheet is amended all the same); it is *added* (newly used), *released* (no longer
  used) or *broken down*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dispatch.plan import Plan, Trip, Unserved
from dispatch.replan.base import BasePlan

MINUTE = dt.timedelta(minutes=1)


class WorkerChangeKind(StrEnum):
    """How a worker's assignment changed."""

    MOVED = "moved"  # another bus (maybe another time too)
    RETIMED = "retimed"  # the same bus, another boarding time
    UNSERVED = "unserved"  # had a bus, has none now (with a reason)
    SERVED = "served"  # had no bus, has one now
    NO_SHOW = "no_show"  # reported as not coming
    WALK_IN = "walk_in"  # new: a walk-in (transported, unserved or excluded)


class TripChangeKind(StrEnum):
    """How a trip changed."""

    CANCELLED = "cancelled"
    ADDED = "added"
    MOVED = "moved"
    RETIMED = "retimed"
    RESIZED = "resized"


class BusChangeKind(StrEnum):
    """How a bus's duty changed."""

    CHANGED = "changed"
    ADDED = "added"
    RELEASED = "released"
    BROKEN_DOWN = "broken_down"


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a worker stands in one version: a trip (bus, boarding time) or a reason."""

    trip_id: str | None = None
    vehicle_id: str | None = None
    board_start: dt.datetime | None = None
    reason: str = ""  # unserved reason code, or ``excluded``

    @property
    def riding(self) -> bool:
        """Whether the worker has a bus."""
        return self.vehicle_id is not None


@dataclass(frozen=True, slots=True)
class WorkerChange:
    """One worker whose assignment changed."""

    worker_id: str
    kind: WorkerChangeKind
    before: Assignment
    after: Assignment
    forced: bool  # an event about this worker or their bus made the change necessary


@dataclass(frozen=True, slots=True)
class TripChange:
    """One trip that changed; ``before`` / ``after`` are None when it did not exist."""

    trip_id: str
    kinds: tuple[TripChangeKind, ...]
    before: Trip | None
    after: Trip | None


@dataclass(frozen=True, slots=True)
class BusChange:
    """One bus whose duty changed: its trips before and after."""

    vehicle_id: str
    kind: BusChangeKind
    trips_before: tuple[str, ...]
    trips_after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """A child version against its parent.

    Parameters
    ----------
    parent
        The parent's name.
    at
        The clock time of the re-plan.
    workers_to_move
        Workers the parent transports who had not boarded at ``at``.
    workers, trips, buses
        What changed.
    """

    parent: str
    at: dt.datetime
    workers_to_move: int
    workers: tuple[WorkerChange, ...]
    trips: tuple[TripChange, ...]
    buses: tuple[BusChange, ...]

    @property
    def workers_changed(self) -> int:
        """Workers still to move whose assignment changed (forced or chosen)."""
        return sum(
            1 for w in self.workers if w.before.riding and w.kind is not WorkerChangeKind.WALK_IN
        )

    @property
    def workers_forced(self) -> int:
        """Of those, the ones an event made change."""
        return sum(
            1
            for w in self.workers
            if w.before.riding and w.forced and w.kind is not WorkerChangeKind.WALK_IN
        )

    @property
    def changed_share(self) -> float:
        """``workers_changed / workers_to_move`` (0 when nobody was to move)."""
        return self.workers_changed / self.workers_to_move if self.workers_to_move else 0.0

    @property
    def chosen_share(self) -> float:
        """The share of workers still to move whose change no event forced."""
        chosen = self.workers_changed - self.workers_forced
        return chosen / self.workers_to_move if self.workers_to_move else 0.0

    def trips_of(self, kind: TripChangeKind) -> tuple[TripChange, ...]:
        """The trips changed in this way."""
        return tuple(t for t in self.trips if kind in t.kinds)

    def buses_of(self, kind: BusChangeKind) -> tuple[BusChange, ...]:
        """The buses changed in this way."""
        return tuple(b for b in self.buses if b.kind is kind)

    def counts(self) -> dict[str, int]:
        """The figures of the diff, for the console and diff.json."""
        out = {
            "workers_to_move": self.workers_to_move,
            "workers_changed": self.workers_changed,
            "workers_changed_by_events": self.workers_forced,
        }
        for kind in WorkerChangeKind:
            out[f"workers_{kind.value}"] = sum(1 for w in self.workers if w.kind is kind)
        out["trips_changed"] = len(self.trips)
        for trip_kind in TripChangeKind:
            out[f"trips_{trip_kind.value}"] = len(self.trips_of(trip_kind))
        out["buses_changed"] = len(self.buses)
        for bus_kind in BusChangeKind:
            out[f"buses_{bus_kind.value}"] = len(self.buses_of(bus_kind))
        return out

    @property
    def changed_trip_ids(self) -> frozenset[str]:
        """Ids of every changed trip."""
        return frozenset(t.trip_id for t in self.trips)

    @property
    def changed_vehicles(self) -> frozenset[str]:
        """Plates of every bus with a changed duty."""
        return frozenset(b.vehicle_id for b in self.buses)


def assignments(
    trips: Sequence[Trip], unserved: Sequence[Unserved], excluded: Collection[str]
) -> dict[str, Assignment]:
    """Each worker's assignment in one version."""
    out: dict[str, Assignment] = {}
    for trip in trips:
        for worker_id in trip.worker_ids:
            out[worker_id] = Assignment(trip.trip_id, trip.vehicle_id, trip.board_start)
    for row in unserved:
        out[row.worker_id] = Assignment(reason=row.reason.value)
    for worker_id in excluded:
        out[worker_id] = Assignment(reason="excluded")
    return out


def _worker_kind(before: Assignment | None, after: Assignment) -> WorkerChangeKind | None:
    if before is None:
        return WorkerChangeKind.WALK_IN
    if after.reason == "no_show" and before.reason != "no_show":
        return WorkerChangeKind.NO_SHOW
    if before.riding and not after.riding:
        return WorkerChangeKind.UNSERVED
    if not before.riding and after.riding:
        return WorkerChangeKind.SERVED
    if not before.riding:
        return None
    if before.vehicle_id != after.vehicle_id:
        return WorkerChangeKind.MOVED
    assert before.board_start is not None and after.board_start is not None
    if abs(before.board_start - after.board_start) >= MINUTE:
        return WorkerChangeKind.RETIMED
    return None


def _trip_kinds(before: Trip | None, after: Trip | None) -> tuple[TripChangeKind, ...]:
    if before is None:
        return (TripChangeKind.ADDED,)
    if after is None:
        return (TripChangeKind.CANCELLED,)
    kinds = []
    if before.vehicle_id != after.vehicle_id:
        kinds.append(TripChangeKind.MOVED)
    moments = [(before.board_start, after.board_start), (before.depart, after.depart)]
    moments.append((before.arrive, after.arrive))
    if any(abs(a - b) >= MINUTE for a, b in moments):
        kinds.append(TripChangeKind.RETIMED)
    if set(before.worker_ids) != set(after.worker_ids):
        kinds.append(TripChangeKind.RESIZED)
    return tuple(kinds)


def _duty(trips: Sequence[Trip], vehicle_id: str) -> list[tuple[str, dt.datetime]]:
    mine = sorted((t for t in trips if t.vehicle_id == vehicle_id), key=lambda t: t.board_start)
    return [(t.trip_id, t.board_start) for t in mine]


def _same_duty(a: Sequence[tuple[str, dt.datetime]], b: Sequence[tuple[str, dt.datetime]]) -> bool:
    return len(a) == len(b) and all(
        x[0] == y[0] and abs(x[1] - y[1]) < MINUTE for x, y in zip(a, b, strict=True)
    )


def plan_diff(
    base: BasePlan,
    plan: Plan,
    *,
    at: dt.datetime,
    boarded: Collection[str],
    forced: Collection[str],
    broken: Mapping[str, dt.datetime],
) -> PlanDiff:
    """``plan`` against its parent ``base`` (see the module docstring).

    Parameters
    ----------
    base
        The parent.
    plan
        The child.
    at
        The re-plan's clock time.
    boarded
        Workers on board (or delivered) at ``at``.
    forced
        Workers whose change an event forced (late, no-show, on a broken-down bus).
    broken
        Broken-down buses and when.
    """
    before = assignments(base.trips, base.unserved, base.excluded)
    after = assignments(plan.trips, plan.unserved, [e.worker_id for e in plan.excluded])
    to_move = sum(1 for w, a in before.items() if a.riding and w not in boarded)
    workers: list[WorkerChange] = []
    for worker_id, now in after.items():
        was = before.get(worker_id)
        how = _worker_kind(was, now)
        if how is not None:
            workers.append(
                WorkerChange(worker_id, how, was or Assignment(), now, worker_id in forced)
            )
    workers.sort(key=lambda w: w.worker_id)
    old = {t.trip_id: t for t in base.trips}
    new = {t.trip_id: t for t in plan.trips}
    trips: list[TripChange] = []
    for trip_id in sorted(set(old) | set(new)):
        kinds = _trip_kinds(old.get(trip_id), new.get(trip_id))
        if kinds:
            trips.append(TripChange(trip_id, kinds, old.get(trip_id), new.get(trip_id)))
    duty = {TripChangeKind.MOVED, TripChangeKind.RETIMED, TripChangeKind.ADDED}
    changed = {t.trip_id for t in trips if duty & set(t.kinds)}
    buses: list[BusChange] = []
    plates = list(
        dict.fromkeys(
            [r.vehicle_id for r in base.routes]
            + [r.vehicle_id for r in plan.routes]
            + [t.vehicle_id for t in plan.trips]
        )
    )
    for plate in plates:
        duty_before, duty_after = _duty(base.trips, plate), _duty(plan.trips, plate)
        if plate in broken:
            kind: BusChangeKind | None = BusChangeKind.BROKEN_DOWN
        elif not duty_before and duty_after:
            kind = BusChangeKind.ADDED
        elif duty_before and not duty_after:
            kind = BusChangeKind.RELEASED
        elif not _same_duty(duty_before, duty_after) or changed & {t for t, _ in duty_after}:
            kind = BusChangeKind.CHANGED
        else:
            kind = None
        if kind is not None:
            buses.append(
                BusChange(
                    plate,
                    kind,
                    tuple(t for t, _ in duty_before),
                    tuple(t for t, _ in duty_after),
                )
            )
    return PlanDiff(base.parent, at, to_move, tuple(workers), tuple(trips), tuple(buses))
