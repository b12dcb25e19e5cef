"""Which vehicles may be dispatched on the planning day, their shifts, and why the others not.

Rules:

* A bus needs a *passenger* permit, a truck a *goods* permit (道路运输证 of the right kind).
* The vehicle's working window is its availability (``available_from``/``available_to``,
  default the whole day) clipped to the policy's operating day window.
* The permit must be valid over the part of the working window the vehicle works: where the
  permits of the right kind cover only part of the window (one expires at noon), the shift is
  clipped to the longest covered stretch and the vehicle is flagged ``clipped``; where they
  cover none of it, the vehicle is rejected (expired, not yet valid, or outside working hours).
* A bus must hold the escort and at least one worker under the load-factor cap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dispatch.day import Day, Permit, PermitKind, Vehicle, VehicleClass
from dispatch.reasons import VehicleReason, reason_text
from stations.lang import Lang

_NEEDED = {VehicleClass.BUS: PermitKind.PASSENGER, VehicleClass.TRUCK: PermitKind.GOODS}


@dataclass(frozen=True, slots=True)
class UsableVehicle:
    """A vehicle that may be dispatched, with its shift and capacity under the policy.

    Parameters
    ----------
    vehicle
        The vehicle.
    permits
        The permit(s) of the right kind that cover the shift (first = covering its start).
    shift_start, shift_end
        When it may leave and must be back at its depot (the shift-length limit
        ``policy.shift_hours`` applies on top).
    capacity
        Places per trip under the load-factor cap, escort included (0 for trucks).
    worker_seats
        Workers per trip (capacity minus escort seats; 0 for trucks).
    clipped
        Whether the permit shortened the working window.
    """

    vehicle: Vehicle
    permits: tuple[Permit, ...]
    shift_start: dt.datetime
    shift_end: dt.datetime
    capacity: int
    worker_seats: int
    clipped: bool = False

    def __post_init__(self) -> None:
        if not self.permits:
            raise ValueError(f"vehicle {self.vehicle_id}: usable without a permit")
        if self.shift_end <= self.shift_start:
            raise ValueError(f"vehicle {self.vehicle_id}: empty shift")
        if self.vehicle.vehicle_class is VehicleClass.BUS and self.worker_seats < 1:
            raise ValueError(f"bus {self.vehicle_id}: carries no worker")

    @property
    def vehicle_id(self) -> str:
        """The plate."""
        return self.vehicle.vehicle_id

    @property
    def permit(self) -> Permit:
        """The permit covering the start of the shift."""
        return self.permits[0]


@dataclass(frozen=True, slots=True)
class RejectedVehicle:
    """A vehicle that is not dispatched, with the reason.

    ``when`` is the date that explains it (permit expiry or start), if any.
    """

    vehicle: Vehicle
    reason: VehicleReason
    when: dt.datetime | None = None

    @property
    def vehicle_id(self) -> str:
        """The plate."""
        return self.vehicle.vehicle_id

    def describe(self, lang: Lang = Lang.EN) -> str:
        """The reason as readable text in ``lang``. Default ``en``."""
        text = reason_text(self.reason, lang)
        if self.when is None:
            return text
        if self.reason is VehicleReason.PERMIT_EXPIRED:
            shown = _last_valid(self.when)
            return text + (
                f"（有效期至 {shown}）" if lang == Lang.ZH else f" (valid through {shown})"
            )
        shown = _shown_time(self.when)
        return text + (f"（{shown} 起生效）" if lang == Lang.ZH else f" (valid from {shown})")


def _shown_time(moment: dt.datetime) -> str:
    return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat("T")


def _last_valid(end: dt.datetime) -> str:
    """A permit end at midnight means "through the previous day"."""
    if end.time() == dt.time():
        return (end - dt.timedelta(days=1)).date().isoformat()
    return end.isoformat("T")


@dataclass(frozen=True, slots=True)
class FleetCheck:
    """The fleet split into usable and rejected vehicles (input order within each)."""

    usable: tuple[UsableVehicle, ...]
    rejected: tuple[RejectedVehicle, ...]

    @property
    def buses(self) -> tuple[UsableVehicle, ...]:
        """Usable buses."""
        return tuple(u for u in self.usable if u.vehicle.vehicle_class is VehicleClass.BUS)

    @property
    def trucks(self) -> tuple[UsableVehicle, ...]:
        """Usable trucks."""
        return tuple(u for u in self.usable if u.vehicle.vehicle_class is VehicleClass.TRUCK)

    @property
    def max_worker_seats(self) -> int:
        """Most workers any usable bus carries on one trip (0 when no bus is usable)."""
        return max((u.worker_seats for u in self.buses), default=0)

    def counts(self) -> dict[VehicleReason, int]:
        """Number of rejected vehicles per reason (reasons with none left out)."""
        counts: dict[VehicleReason, int] = {}
        for rejected in self.rejected:
            counts[rejected.reason] = counts.get(rejected.reason, 0) + 1
        return counts


def _covered_spans(
    permits: list[Permit], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, tuple[Permit, ...]]]:
    """Stretches of ``[start, end]`` covered by the permits, merged, longest first."""
    pieces = sorted(
        (max(p.valid_from, start), min(p.valid_to, end), p)
        for p in permits
        if p.valid_from < end and p.valid_to > start
    )
    spans: list[tuple[dt.datetime, dt.datetime, tuple[Permit, ...]]] = []
    for first, last, permit in pieces:
        if spans and first <= spans[-1][1]:
            begin, until, held = spans[-1]
            spans[-1] = (begin, max(until, last), (*held, permit))
        else:
            spans.append((first, last, (permit,)))
    return sorted(spans, key=lambda s: (-(s[1] - s[0]).total_seconds(), s[0]))


def vehicle_status(day: Day, vehicle: Vehicle) -> UsableVehicle | RejectedVehicle:
    """Decide whether ``vehicle`` may be dispatched on ``day`` (see the module rules)."""
    start = max(day.day_start, vehicle.available_from or day.day_start)
    end = min(day.day_end, vehicle.available_to or day.day_end)
    held = day.permits_of(vehicle.vehicle_id)
    needed = _NEEDED[vehicle.vehicle_class]
    right = [p for p in held if p.kind is needed]
    if not held:
        return RejectedVehicle(vehicle, VehicleReason.NO_PERMIT)
    if not right:
        wrong = (
            VehicleReason.GOODS_PERMIT_ONLY
            if needed is PermitKind.PASSENGER
            else VehicleReason.PASSENGER_PERMIT_ONLY
        )
        return RejectedVehicle(vehicle, wrong)
    if end <= start:
        return RejectedVehicle(vehicle, VehicleReason.NOT_AVAILABLE_IN_DAY_WINDOW)
    spans = _covered_spans(right, start, end)
    if not spans:
        if all(p.valid_to <= start for p in right):
            latest = max(p.valid_to for p in right)
            return RejectedVehicle(vehicle, VehicleReason.PERMIT_EXPIRED, latest)
        if all(p.valid_from >= end for p in right):
            earliest = min(p.valid_from for p in right)
            return RejectedVehicle(vehicle, VehicleReason.PERMIT_NOT_YET_VALID, earliest)
        return RejectedVehicle(vehicle, VehicleReason.PERMIT_OUTSIDE_WORKING_HOURS)
    first, last, permits = spans[0]
    capacity = workers = 0
    if vehicle.vehicle_class is VehicleClass.BUS:
        seats = vehicle.seats or 0
        capacity = day.policy.bus_capacity(seats)
        workers = day.policy.workers_per_bus(seats)
        if workers < 1:
            return RejectedVehicle(vehicle, VehicleReason.TOO_SMALL_UNDER_LOAD_FACTOR)
    clipped = (first, last) != (start, end)
    return UsableVehicle(vehicle, permits, first, last, capacity, workers, clipped)


def check_fleet(day: Day) -> FleetCheck:
    """Split the day's fleet into usable vehicles (with shifts) and rejected ones (with reasons)."""
    usable: list[UsableVehicle] = []
    rejected: list[RejectedVehicle] = []
    for vehicle in day.fleet:
        status = vehicle_status(day, vehicle)
        if isinstance(status, UsableVehicle):
            usable.append(status)
        else:
            rejected.append(status)
    return FleetCheck(tuple(usable), tuple(rejected))
