"""The state of the day at the re-plan's clock time: what is frozen, where each bus stands,
what is open again.

A bus's day is a chain of *blocks*: one trip (or the groups of a pooled trip) boarding at a
station and dropped in turn. A block has *started* once its bus has left the stop before it
(the depot or the last employer), and its group is *on board* once boarding has begun.

Rules (docs/replan.md):

* a block on board (or delivered) at ``at`` is frozen with its passengers and times, whatever
  the events say about its workers (they are noted, not applied);
* a started block is frozen unless an event touches it (a no-show among its workers, or a
  late worker its boarding time no longer fits: ``dispatch.replan.regroup.touched_trips``) or
  its bus broke down: then it is open again and the bus is free from the end of its last
  frozen block;
* a block that has not started is open again — except that, while an exit status change is
  still to come (it holds from a later time), blocks that start before it are frozen as long
  as nothing touches them and everything before them on the bus is frozen: a change from
  12:00 re-routes only what starts from 12:00;
* a bus that broke down at ``time`` has on board whatever boarded by then; it delivers that
  and is gone (its later blocks are open);
* a bus continues from the end of its last frozen block — that employer when its unloading
  ends — and its shift still ends within ``shift_hours`` of its first departure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from dispatch.day import Day
from dispatch.intake.moments import parse_moment
from dispatch.plan import Step, StepKind, VehicleRoute
from dispatch.replan.base import BasePlan
from dispatch.replan.events import VehicleBreakdown


@dataclass(frozen=True, slots=True)
class Block:
    """Trips that board together at one station and are dropped in turn (one trip when
    point to point), as positions in its route's steps.

    Parameters
    ----------
    trip_ids
        The trips, in boarding order.
    first, last
        Index of the first boarding step and of the last alighting step.
    started
        When the bus leaves the stop before it (``departure`` of step ``first - 1``).
    boards
        When boarding begins.
    drops
        The trips in the order they alight. Default (): as boarded.
    """

    trip_ids: tuple[str, ...]
    first: int
    last: int
    started: dt.datetime
    boards: dt.datetime
    drops: tuple[str, ...] = ()


def blocks_of(route: VehicleRoute) -> tuple[Block, ...]:
    """The blocks of a bus route, in driving order."""
    steps = route.steps
    out: list[Block] = []
    k = 0
    while k < len(steps):
        if steps[k].kind is not StepKind.BOARD:
            k += 1
            continue
        first = k
        while k < len(steps) and steps[k].kind is StepKind.BOARD:
            k += 1
        trips = tuple(s.trip_id for s in steps[first:k] if s.trip_id is not None)
        alight = k
        while k < len(steps) and steps[k].kind is StepKind.ALIGHT:
            k += 1
        drops = tuple(s.trip_id for s in steps[alight:k] if s.trip_id is not None)
        started, boards = steps[first - 1].departure, steps[first].begin
        out.append(Block(trips, first, k - 1, started, boards, drops))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class BusState:
    """One bus of the base plan at the re-plan's clock time.

    Parameters
    ----------
    route
        Its route in the base plan.
    frozen
        Its frozen blocks (a prefix of its blocks).
    released
        Its other blocks (open again).
    breakdown
        Its breakdown, if it broke down. Default None.
    """

    route: VehicleRoute
    frozen: tuple[Block, ...]
    released: tuple[Block, ...]
    breakdown: VehicleBreakdown | None = None

    @property
    def vehicle_id(self) -> str:
        """The plate."""
        return self.route.vehicle_id

    @property
    def frozen_steps(self) -> tuple[Step, ...]:
        """Its steps up to the end of its last frozen block (none without one)."""
        if not self.frozen:
            return ()
        return self.route.steps[: self.frozen[-1].last + 1]

    @property
    def end(self) -> Step | None:
        """The last step of its frozen part: where and when it is free (None if none)."""
        steps = self.frozen_steps
        return steps[-1] if steps else None

    @property
    def first_departure(self) -> dt.datetime:
        """When it left its depot (its shift limit counts from then)."""
        return self.route.steps[0].departure

    @property
    def frozen_trips(self) -> tuple[str, ...]:
        """Trip ids of its frozen blocks."""
        return tuple(t for b in self.frozen for t in b.trip_ids)

    @property
    def released_trips(self) -> tuple[tuple[str, ...], ...]:
        """Trip ids of its open blocks, block by block, each in drop order."""
        return tuple(b.drops or b.trip_ids for b in self.released)


@dataclass(frozen=True, slots=True)
class DayState:
    """Every bus of the base plan at the clock time ``at``.

    Parameters
    ----------
    at
        The clock time.
    buses
        The base plan's buses, in its order.
    freeze_until
        Blocks starting before this are kept when nothing touches them (``at``, or the
        latest exit status change still to come).
    """

    at: dt.datetime
    buses: tuple[BusState, ...]
    freeze_until: dt.datetime

    @property
    def frozen_trips(self) -> frozenset[str]:
        """Ids of every frozen trip."""
        return frozenset(t for b in self.buses for t in b.frozen_trips)

    @property
    def released_trips(self) -> frozenset[str]:
        """Ids of every base trip that is open again."""
        return frozenset(t for b in self.buses for block in b.released for t in block.trip_ids)

    def bus(self, vehicle_id: str) -> BusState:
        """The state of bus ``vehicle_id``."""
        for bus in self.buses:
            if bus.vehicle_id == vehicle_id:
                return bus
        raise KeyError(f"{vehicle_id!r} has no route in the base plan")


def _touched(block: Block, touched_trips: Collection[str]) -> bool:
    return any(t in touched_trips for t in block.trip_ids)


def bus_state(
    route: VehicleRoute,
    *,
    at: dt.datetime,
    freeze_until: dt.datetime,
    touched_trips: Collection[str],
    breakdown: VehicleBreakdown | None,
) -> BusState:
    """The state of one bus of ``base`` at ``at`` (see the module rules)."""
    blocks = blocks_of(route)
    broken = breakdown is not None and breakdown.time <= at
    boarded_by = breakdown.time if breakdown is not None and broken else at
    frozen: list[Block] = []
    for block in blocks:
        if block.boards <= boarded_by:
            frozen.append(block)
            continue
        if broken:
            break
        untouched = not _touched(block, touched_trips)
        started = block.started <= at
        if untouched and (started or block.started < freeze_until):
            frozen.append(block)
            continue
        break
    return BusState(route, tuple(frozen), blocks[len(frozen) :], breakdown)


def day_state(
    base: BasePlan,
    *,
    at: dt.datetime,
    freeze_until: dt.datetime,
    touched_trips: Collection[str],
    breakdowns: Mapping[str, VehicleBreakdown],
) -> DayState:
    """The state of every bus of ``base`` at ``at``.

    Parameters
    ----------
    base
        The base plan.
    at
        The clock time of the re-plan.
    freeze_until
        ``at``, or the latest exit status change still to come.
    touched_trips
        Trips an event touches (a no-show among their workers, a late worker their boarding
        time no longer fits).
    breakdowns
        Breakdowns by plate.
    """
    buses = tuple(
        bus_state(
            route,
            at=at,
            freeze_until=freeze_until,
            touched_trips=touched_trips,
            breakdown=breakdowns.get(route.vehicle_id),
        )
        for route in base.routes
    )
    return DayState(at, buses, max(at, freeze_until))


def boarded_workers(state: DayState, base: BasePlan) -> frozenset[str]:
    """Workers on board or delivered at the clock time (never unserved in a later version)."""
    out: set[str] = set()
    for bus in state.buses:
        limit = state.at if bus.breakdown is None else min(state.at, bus.breakdown.time)
        for block in bus.frozen:
            if block.boards <= limit:
                out.update(w for t in block.trip_ids for w in base.trip(t).worker_ids)
    return frozenset(out)


def trip_blocks(state: DayState) -> Sequence[tuple[str, tuple[str, ...]]]:
    """``(plate, trips of the block)`` of every open block, bus by bus in driving order."""
    return [(b.vehicle_id, block.trip_ids) for b in state.buses for block in b.released]


def clock_of_day(day: Day, text: str) -> dt.datetime | None:
    """A re-plan's clock time ``text`` (``HH:MM``, up to ``30:00``, or an ISO 8601 local time)
    on ``day``; None when it is not a time of the planning day."""
    moment = parse_moment(text)
    when = None if moment is None else moment.on(day.date)
    if when is None or not day.midnight <= when <= day.midnight + dt.timedelta(hours=30):
        return None
    return when
