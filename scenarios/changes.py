"""What-if changes to a planning day: each checks itself against a base day and applies as a
new immutable ``Day`` (the base is never modified).

Every change is a frozen dataclass that ``scenarios.spec`` validates from YAML with pydantic
(``extra`` keys forbidden); :meth:`check` finds references the base day does not know, and
:meth:`apply` returns ``day.replace(...)``. Random choices (which vehicles or workers go or are
copied) are made by ranking ids with a SHA-256 hash of ``(scenario seed, change number, id)``:
the same scenario gives the same day on every machine and Python process.

Derived ids: a copied vehicle gets the plate ``<plate>-c<k>`` (its permits ``<permit>-c<k>``), a
copied worker ``<worker>-c<k>``, a copied shipment ``<shipment>-c<k>``; workers of an added
train ``add<n>-<station>-<HHMM>-<i>``; k, n and i count from 1 and skip ids already taken.
Copies carry no personal data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar, TypeVar

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from dispatch.day import (
    Arrival,
    Cargo,
    Day,
    HealthCode,
    NucleicTest,
    Permit,
    PermitKind,
    Vehicle,
)
from dispatch.policy import POLICY_KEYS, Clock, Policy, format_clock, plain_word
from dispatch.replan.apply import events_day
from dispatch.replan.event_tables import read_events
from dispatch.replan.events import EventLog
from stations.errors import InputError
from stations.model import ExitStatus, Registry
from stations.tabular import FIRST_DAY, LAST_DAY
from stations.text import identity

KeyPath = tuple[str | int, ...]
T = TypeVar("T")
SHOWN_IDS = 12  # known ids listed in a fix
MAX_FACTOR = 20.0  # scale_fleet / scale_arrivals: at most this many times the base
MAX_ADDED = 100_000  # add_arrivals: workers per train
LATEST_EVENT_MIN = 30 * 60  # apply_events: by default every event of the file (known by 30:00)
FORBIDDEN_POLICY_KEYS = frozenset({"planning_date"})


@dataclass(frozen=True, slots=True)
class Issue:
    """A change that does not fit its base day.

    Parameters
    ----------
    at
        Key path inside the change (empty for the change as a whole).
    value
        The offending value as text (None when missing).
    message
        What is wrong.
    fix
        How to fix it.
    warning
        A soft problem (the change does nothing) rather than an error. Default False.
    """

    at: KeyPath
    value: str | None
    message: str
    fix: str
    warning: bool = False


def _as_id(value: object) -> object:
    """An id (or operator name) as it is matched (``stations.text.identity``)."""
    return identity(value) if isinstance(value, str) else value


def _as_tuple(value: object) -> object:
    """A single id given where a list is expected becomes a one-item list; ids normalised."""
    if isinstance(value, str | int):
        value = (value,)
    if isinstance(value, list | tuple):
        return tuple(_as_id(item) for item in value)
    return value


Id = Annotated[str, BeforeValidator(_as_id)]
Ids = Annotated[tuple[str, ...], BeforeValidator(_as_tuple)]
Factor = Annotated[float, Field(gt=0, le=MAX_FACTOR)]
Minutes = Annotated[float, Field(ge=-720, le=720)]


def _known(ids: Iterable[str]) -> str:
    listed = list(dict.fromkeys(ids))
    more = f", … ({len(listed)} in all)" if len(listed) > SHOWN_IDS else ""
    return (", ".join(listed[:SHOWN_IDS]) + more) or "(none)"


def _rank(salt: str, key: str) -> bytes:
    """Machine- and process-independent pseudo-random rank of ``key``."""
    return hashlib.sha256(f"{salt}|{key}".encode()).digest()


def _by_rank(keys: Sequence[str], salt: str) -> list[str]:
    return sorted(keys, key=lambda k: _rank(salt, k))


def _copies(keys: Sequence[str], factor: float, salt: str) -> dict[str, int]:
    """How many instances of each key remain after scaling by ``factor`` (0 = dropped).

    The total is ``round(len(keys) × factor)`` (halves up); the keys dropped, or copied once
    more than the others, are the first by hash rank.
    """
    n = len(keys)
    target = math.floor(n * factor + 0.5)
    ranked = _by_rank(keys, salt)
    if target <= n:
        dropped = set(ranked[: n - target])
        return {k: 0 if k in dropped else 1 for k in keys}
    extra = target - n
    more = set(ranked[: extra % n])
    return {k: 1 + extra // n + (1 if k in more else 0) for k in keys}


def _derived(base: str, taken: set[str], start: int = 1) -> tuple[str, int]:
    """The first ``<base>-c<k>`` (k >= start) not in ``taken``; it is added to ``taken``."""
    k = start
    while f"{base}-c{k}" in taken:
        k += 1
    name = f"{base}-c{k}"
    taken.add(name)
    return name, k


def _scaled(
    items: Sequence[T], key: Callable[[T], str], counts: Mapping[str, int], taken: set[str]
) -> list[tuple[T, str | None]]:
    """The items after scaling, in order: each kept one with None, each copy (right after its
    original) with its derived id. ``counts`` as from :func:`_copies` (missing keys: 1)."""
    scaled: list[tuple[T, str | None]] = []
    for item in items:
        count = counts.get(key(item), 1)
        if count >= 1:
            scaled.append((item, None))
        k = 0
        for _ in range(count - 1):
            new_id, k = _derived(key(item), taken, k + 1)
            scaled.append((item, new_id))
    return scaled


def _in_window(day: Day, moment: dt.datetime, start: int | None, end: int | None) -> bool:
    minutes = day.minutes_of(moment)
    return (start is None or minutes >= start) and (end is None or minutes < end)


def _check_window(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValueError(f"`to` ({format_clock(end)}) must be after `from` ({format_clock(start)})")


def _item(key: str, items: Sequence[str], i: int) -> KeyPath:
    """Key path of item ``i`` of a list that may have been given as a single value."""
    return (key,) if len(items) == 1 else (key, i)


def _unknown(at: KeyPath, value: str, what: str, known: Iterable[str], *, hint: str = "") -> Issue:
    return Issue(at, value, f"is not a known {what}{hint}", f"use one of: {_known(known)}")


def _check_station(day: Day, at: KeyPath, station: str | None) -> list[Issue]:
    if station is None or station in day.stations:
        return []
    return [_unknown(at, station, "station", day.stations)]


def _operators(day: Day) -> list[str]:
    """The fleet's operators, as matched (``stations.text.identity``)."""
    return list(dict.fromkeys(identity(v.operator) for v in day.fleet))


def _check_operator(day: Day, at: KeyPath, operator: str | None) -> list[Issue]:
    if operator is None or operator in _operators(day):
        return []
    return [_unknown(at, operator, "operator in the fleet", _operators(day))]


@dataclass(frozen=True, slots=True)
class ChangeStep:
    """Where a change stands in its scenario: the scenario's seed and the change's number."""

    seed: int
    number: int

    @property
    def salt(self) -> str:
        """Salt of this change's hash ranks."""
        return f"{self.seed}|{self.number}"


# --------------------------------------------------------------------------- exits and policy


@dataclass(frozen=True, slots=True)
class ExitSetting:
    """The status (and optional checkpoint delay) an exit gets.

    ``delay_min`` omitted resets the exit to its status's default delay.
    """

    __pydantic_config__ = ConfigDict(extra="forbid")

    exit_id: Id
    status: Annotated[ExitStatus, BeforeValidator(plain_word)]
    delay_min: Annotated[float | None, Field(ge=0, le=1440)] = None


@dataclass(frozen=True, slots=True)
class SetExits:
    """Set the status of exits (``set_exits: {exit_id: status | {status, delay_min}}``)."""

    KIND: ClassVar[str] = "set_exits"
    __pydantic_config__ = ConfigDict(extra="forbid")

    exits: tuple[ExitSetting, ...]

    def check(self, day: Day) -> list[Issue]:
        """Unknown exit ids."""
        return [
            _unknown((s.exit_id,), s.exit_id, "exit", day.exits, hint=" of the base day")
            for s in self.exits
            if s.exit_id not in day.exits
        ]

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the exits' statuses replaced."""
        settings = {s.exit_id: s for s in self.exits}
        entries = []
        for exit_id, ex in day.exits.entries:
            if exit_id in settings:
                new = settings[exit_id]
                ex = dataclasses.replace(ex, status=new.status, delay_min=new.delay_min)
            entries.append((exit_id, ex))
        return day.replace(exits=Registry(day.exits.kind, tuple(entries)))


PolicyValue = bool | int | float | str | dt.date | None


@dataclass(frozen=True, slots=True)
class PolicyOverride:
    """Override policy values (``policy: {load_factor: 0.75, …}``), validated like policy.toml."""

    KIND: ClassVar[str] = "policy"

    values: tuple[tuple[str, PolicyValue], ...]

    def check(self, day: Day) -> list[Issue]:
        """Unknown or forbidden keys and values the policy rejects."""
        issues: list[Issue] = []
        good: dict[str, PolicyValue] = {}
        for key, value in self.values:
            if key in FORBIDDEN_POLICY_KEYS:
                issues.append(
                    Issue((key,), key, "cannot change in a scenario", "give another base day")
                )
            elif key not in POLICY_KEYS:
                close = difflib.get_close_matches(key, POLICY_KEYS, n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                issues.append(
                    Issue(
                        (key,),
                        key,
                        f"is not a policy key{hint}",
                        "use one of: " + ", ".join(k for k in POLICY_KEYS if k != "planning_date"),
                    )
                )
            else:
                good[key] = value
        try:
            day.policy.replace(**good)
        except InputError as error:
            issues.extend(
                Issue((p.column,) if p.column else (), p.value, p.message, p.fix)
                for p in error.problems
            )
        return issues

    def policy(self, base: Policy) -> Policy:
        """``base`` with the overrides (``InputError`` if a value is bad)."""
        return base.replace(**dict(self.values))

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the policy overridden."""
        return day.replace(policy=self.policy(day.policy))


# --------------------------------------------------------------------------- fleet and permits


@dataclass(frozen=True, slots=True)
class RemoveOperator:
    """Take every vehicle of one or more operators out of the fleet (their permits stay unused)."""

    KIND: ClassVar[str] = "remove_operator"
    __pydantic_config__ = ConfigDict(extra="forbid")

    operator: Annotated[Ids, Field(min_length=1)]

    def check(self, day: Day) -> list[Issue]:
        """Unknown operators."""
        known = _operators(day)
        return [
            _unknown(_item("operator", self.operator, i), name, "operator in the fleet", known)
            for i, name in enumerate(self.operator)
            if name not in known
        ]

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day without the operators' vehicles."""
        gone = set(self.operator)
        return day.replace(fleet=tuple(v for v in day.fleet if identity(v.operator) not in gone))


@dataclass(frozen=True, slots=True)
class ScaleFleet:
    """Scale the fleet (of one operator) by ``factor``: drop or copy vehicles, seeded.

    ``round(n × factor)`` vehicles remain; copies get derived plates and copies of the
    original's permits, and keep its depot, seats, hours and costs.
    """

    KIND: ClassVar[str] = "scale_fleet"
    __pydantic_config__ = ConfigDict(extra="forbid")

    factor: Factor
    operator: Id | None = None

    def check(self, day: Day) -> list[Issue]:
        """An unknown operator."""
        return _check_operator(day, ("operator",), self.operator)

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the scaled fleet."""
        chosen = [v.vehicle_id for v in day.fleet if self.operator in (None, identity(v.operator))]
        counts = _copies(chosen, self.factor, step.salt)
        plates = {v.vehicle_id for v in day.fleet}
        permit_numbers = {p.permit_no for p in day.permits}
        fleet: list[Vehicle] = []
        permits = list(day.permits)
        for vehicle, plate in _scaled(day.fleet, lambda v: v.vehicle_id, counts, plates):
            if plate is None:
                fleet.append(vehicle)
                continue
            fleet.append(dataclasses.replace(vehicle, vehicle_id=plate))
            for permit in day.permits_of(vehicle.vehicle_id):
                number, _ = _derived(permit.permit_no, permit_numbers)
                permits.append(dataclasses.replace(permit, permit_no=number, vehicle_id=plate))
        return day.replace(fleet=tuple(fleet), permits=tuple(permits))


def _vehicles_of(day: Day, vehicles: Sequence[str], operator: str | None) -> list[str]:
    plates = list(vehicles)
    if operator is not None:
        plates += [v.vehicle_id for v in day.fleet if identity(v.operator) == operator]
    return list(dict.fromkeys(plates))


def _check_vehicles(day: Day, vehicles: Sequence[str]) -> list[Issue]:
    plates = [v.vehicle_id for v in day.fleet]
    return [
        _unknown(_item("vehicles", vehicles, i), plate, "vehicle in the fleet", plates)
        for i, plate in enumerate(vehicles)
        if plate not in plates
    ]


def _need_selector(given: bool, keys: str) -> None:
    if not given:
        raise ValueError(f"give at least one of {keys}")


def _in_years(value: dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    """Refuse a permit date outside ``FIRST_DAY`` … ``LAST_DAY`` (docs/API.md)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"is outside {FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}")
    return value


@dataclass(frozen=True, slots=True)
class AddPermits:
    """Grant permits to vehicles (listed plates and/or all of an operator's vehicles).

    The permit is valid over ``[valid_from, valid_to)``; dates mean whole days (``valid_to``
    inclusive). Default: the planning day. Permit numbers are ``SCN-<kind>-<plate>``.
    """

    KIND: ClassVar[str] = "add_permits"
    __pydantic_config__ = ConfigDict(extra="forbid")

    vehicles: Ids = ()
    operator: Id | None = None
    kind: Annotated[PermitKind, BeforeValidator(plain_word)] = PermitKind.PASSENGER
    valid_from: Annotated[dt.date | dt.datetime | None, AfterValidator(_in_years)] = None
    valid_to: Annotated[dt.date | dt.datetime | None, AfterValidator(_in_years)] = None

    def __post_init__(self) -> None:
        _need_selector(bool(self.vehicles) or self.operator is not None, "vehicles, operator")

    def check(self, day: Day) -> list[Issue]:
        """Unknown vehicles or operator, and a validity that ends before it starts."""
        issues = _check_vehicles(day, self.vehicles)
        issues += _check_operator(day, ("operator",), self.operator)
        start, end = self._validity(day)
        if end <= start:
            issues.append(
                Issue(
                    ("valid_to",),
                    str(self.valid_to),
                    "is not after valid_from",
                    "give a valid_to on or after valid_from",
                )
            )
        return issues

    def _validity(self, day: Day) -> tuple[dt.datetime, dt.datetime]:
        def moment(value: dt.date | dt.datetime | None, *, end: bool) -> dt.datetime:
            if value is None:
                value = day.date
            if isinstance(value, dt.datetime):
                return value
            return dt.datetime.combine(value + dt.timedelta(days=1 if end else 0), dt.time())

        return moment(self.valid_from, end=False), moment(self.valid_to, end=True)

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the new permits."""
        start, end = self._validity(day)
        numbers = {p.permit_no for p in day.permits}
        permits = list(day.permits)
        for plate in _vehicles_of(day, self.vehicles, self.operator):
            number = f"SCN-{self.kind.value}-{plate}"
            if number in numbers:
                number, _ = _derived(number, numbers)
            numbers.add(number)
            permits.append(Permit(number, plate, self.kind, start, end))
        return day.replace(permits=tuple(permits))


@dataclass(frozen=True, slots=True)
class RevokePermits:
    """Revoke permits: by number, of listed vehicles and/or of an operator (optionally one kind)."""

    KIND: ClassVar[str] = "revoke_permits"
    __pydantic_config__ = ConfigDict(extra="forbid")

    permits: Ids = ()
    vehicles: Ids = ()
    operator: Id | None = None
    kind: Annotated[PermitKind | None, BeforeValidator(plain_word)] = None

    def __post_init__(self) -> None:
        _need_selector(
            bool(self.permits or self.vehicles) or self.operator is not None,
            "permits, vehicles, operator",
        )

    def check(self, day: Day) -> list[Issue]:
        """Unknown permit numbers, vehicles or operator."""
        numbers = [p.permit_no for p in day.permits]
        issues = [
            _unknown(_item("permits", self.permits, i), number, "permit number", numbers)
            for i, number in enumerate(self.permits)
            if number not in numbers
        ]
        issues += _check_vehicles(day, self.vehicles)
        issues += _check_operator(day, ("operator",), self.operator)
        return issues

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day without the revoked permits."""
        plates = set(_vehicles_of(day, self.vehicles, self.operator))
        numbers = set(self.permits)

        def revoked(permit: Permit) -> bool:
            if self.kind is not None and permit.kind is not self.kind:
                return False
            return permit.permit_no in numbers or permit.vehicle_id in plates

        return day.replace(permits=tuple(p for p in day.permits if not revoked(p)))


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class ApplyEvents:
    """Apply an events file (docs/API.md, "Events") as known at a clock time, to the whole
    day: "what if the 10:00 trains are two hours late" asked before it happens.

    ``file`` is relative to the scenario file (``scenarios.spec`` resolves it); ``at`` is the
    clock time whose known events apply (``dispatch.replan.apply.events_day``: late arrivals
    moved, no-shows out, walk-ins in, the exits as they end up, broken-down vehicles available
    until their breakdown, added vehicles and shipments in, cancelled ones out).
    """

    KIND: ClassVar[str] = "apply_events"
    __pydantic_config__ = ConfigDict(extra="forbid")

    file: Annotated[str, Field(min_length=1)]
    at: Clock = LATEST_EVENT_MIN

    def _events(self, day: Day) -> EventLog:
        return read_events(Path(self.file), day)

    def check(self, day: Day) -> list[Issue]:
        """Every problem of the events file against ``day`` (table, row, column, value)."""
        try:
            log = self._events(day)
        except InputError as error:
            return [
                Issue(("file",), p.value, f"{p}", "fix the events file (docs/API.md, Events)")
                for p in error.problems
            ]
        if not len(log.known_by(day.at_minute(self.at))):
            return [
                Issue(
                    ("at",),
                    format_clock(self.at),
                    "is before every event of the file is known: the change does nothing",
                    "give a later `at`, or check the events' `known_at`",
                    warning=True,
                )
            ]
        return []

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day as the events known at ``at`` describe it."""
        return events_day(day, self._events(day), day.at_minute(self.at))


# --------------------------------------------------------------------------- arrivals


def _replace_arrivals(day: Day, arrivals: Iterable[Arrival]) -> Day:
    return day.replace(arrivals=tuple(arrivals))


@dataclass(frozen=True, slots=True)
class DelayArrivals:
    """Move arrivals at a station by ``minutes`` (late > 0, early < 0).

    Optional filters: arrival clock time in ``[from, to)`` (of the original time) and train
    numbers.
    """

    KIND: ClassVar[str] = "delay_arrivals"
    __pydantic_config__ = ConfigDict(extra="forbid")

    station: Id
    minutes: Minutes
    start: Annotated[Clock | None, Field(alias="from")] = None
    end: Annotated[Clock | None, Field(alias="to")] = None
    trains: Ids = ()

    def __post_init__(self) -> None:
        _check_window(self.start, self.end)

    def matches(self, day: Day, arrival: Arrival) -> bool:
        """Whether ``arrival`` is delayed."""
        return (
            arrival.station_id == self.station
            and _in_window(day, arrival.arrival_time, self.start, self.end)
            and (not self.trains or arrival.train_no in self.trains)
        )

    def check(self, day: Day) -> list[Issue]:
        """An unknown station or train numbers."""
        issues = _check_station(day, ("station",), self.station)
        trains = {a.train_no for a in day.arrivals if a.station_id == self.station}
        for i, train in enumerate(self.trains):
            if train not in trains:
                issues.append(
                    _unknown(
                        _item("trains", self.trains, i),
                        train,
                        f"train arriving at {self.station}",
                        sorted(t for t in trains if t),
                    )
                )
        if not issues and not any(self.matches(day, a) for a in day.arrivals):
            issues.append(_nobody("delays", self.start, self.end))
        return issues

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the matching arrivals moved."""
        shift = dt.timedelta(minutes=self.minutes)
        return _replace_arrivals(
            day,
            (
                dataclasses.replace(a, arrival_time=a.arrival_time + shift)
                if self.matches(day, a)
                else a
                for a in day.arrivals
            ),
        )


def _nobody(verb: str, start: int | None, end: int | None) -> Issue:
    when = ""
    if start is not None or end is not None:
        shown = [format_clock(t) if t is not None else "…" for t in (start, end)]
        when = f" in {shown[0]}–{shown[1]}"
    return Issue(
        (),
        None,
        f"{verb} no arrival{when}: the base day has none that match",
        "check the station, times and trains",
        warning=True,
    )


def _copy_worker(arrival: Arrival, worker_id: str) -> Arrival:
    return dataclasses.replace(arrival, worker_id=worker_id, name=None, id_number=None, phone=None)


@dataclass(frozen=True, slots=True)
class ScaleArrivals:
    """Scale the arrivals (at a station, in a time range) by ``factor``: seeded sample or copies.

    ``round(n × factor)`` of the matching workers remain; copies get derived worker ids and
    keep employer, station, time, origin, health code and test, but no personal data.
    """

    KIND: ClassVar[str] = "scale_arrivals"
    __pydantic_config__ = ConfigDict(extra="forbid")

    factor: Factor
    station: Id | None = None
    start: Annotated[Clock | None, Field(alias="from")] = None
    end: Annotated[Clock | None, Field(alias="to")] = None

    def __post_init__(self) -> None:
        _check_window(self.start, self.end)

    def chosen(self, day: Day) -> list[str]:
        """Worker ids of the matching arrivals."""
        return [
            a.worker_id
            for a in day.arrivals
            if self.station in (None, a.station_id)
            and _in_window(day, a.arrival_time, self.start, self.end)
        ]

    def check(self, day: Day) -> list[Issue]:
        """An unknown station (or, as a warning, no matching arrival)."""
        issues = _check_station(day, ("station",), self.station)
        if not issues and not self.chosen(day):
            issues.append(_nobody("scales", self.start, self.end))
        return issues

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the scaled arrivals."""
        chosen = self.chosen(day)
        counts = _copies(chosen, self.factor, step.salt)
        scaled = _scaled(day.arrivals, lambda a: a.worker_id, counts, set(day.worker_ids))
        return _replace_arrivals(
            day, (a if new_id is None else _copy_worker(a, new_id) for a, new_id in scaled)
        )


def _shares(value: object) -> object:
    """``{E1: 2, E2: 1}`` or ``[E1, E2]`` (equal shares) → ``((E1, 2), (E2, 1))``."""
    if isinstance(value, dict):
        return tuple(value.items())
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple((v, 1.0) for v in value)
    if isinstance(value, str):
        return ((value, 1.0),)
    return value


Shares = Annotated[tuple[tuple[str, float], ...], BeforeValidator(_shares)]


def apportion(count: int, shares: Sequence[tuple[str, float]]) -> list[tuple[str, int]]:
    """Split ``count`` by ``shares`` with the largest-remainder method (ties: listed order)."""
    total = sum(w for _, w in shares)
    exact = [(key, count * w / total) for key, w in shares]
    counts = {key: math.floor(x) for key, x in exact}
    left = count - sum(counts.values())
    order = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - math.floor(exact[i][1])))
    for i in order[:left]:
        counts[exact[i][0]] += 1
    return [(key, counts[key]) for key, _ in shares if counts[key] > 0]


@dataclass(frozen=True, slots=True)
class AddArrivals:
    """Add a train: ``count`` workers arriving at ``station`` at ``time`` from ``origin``.

    ``enterprises`` gives the employer mix as ``{id: weight}`` or a list (equal weights);
    default: the employer mix of the base day's arrivals at that station (or of the whole
    day if nobody arrives there). Health code green and nucleic test negative unless given.
    """

    KIND: ClassVar[str] = "add_arrivals"
    __pydantic_config__ = ConfigDict(extra="forbid")

    station: Id
    time: Clock
    count: Annotated[int, Field(ge=1, le=MAX_ADDED)]
    origin: Annotated[str, Field(min_length=1)]
    enterprises: Shares = ()
    train_no: str | None = None
    health_code: Annotated[HealthCode, BeforeValidator(plain_word)] = HealthCode.GREEN
    nucleic_test: Annotated[NucleicTest, BeforeValidator(plain_word)] = NucleicTest.NEGATIVE

    def __post_init__(self) -> None:
        for enterprise_id, weight in self.enterprises:
            if not (math.isfinite(weight) and weight > 0):
                raise ValueError(f"weight of {enterprise_id} must be > 0, got {weight}")

    def check(self, day: Day) -> list[Issue]:
        """An unknown station or employer."""
        issues = _check_station(day, ("station",), self.station)
        issues += [
            _unknown(("enterprises", e), e, "enterprise", day.enterprises)
            for e, _ in self.enterprises
            if e not in day.enterprises
        ]
        if not self.enterprises and not day.arrivals:
            issues.append(
                Issue(
                    ("enterprises",),
                    None,
                    "is needed: the base day has no arrivals to copy the employer mix from",
                    "give enterprises: {id: weight, …}",
                )
            )
        return issues

    def mix(self, day: Day) -> list[tuple[str, int]]:
        """Workers per employer."""
        if self.enterprises:
            return apportion(self.count, self.enterprises)
        here = [a.enterprise_id for a in day.arrivals if a.station_id == self.station]
        counts = Counter(here or [a.enterprise_id for a in day.arrivals])
        return apportion(self.count, [(e, float(n)) for e, n in counts.items()])

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the train's workers added."""
        when = day.at_minute(self.time)
        taken = set(day.worker_ids)
        clock = format_clock(self.time).replace(":", "")
        prefix = f"add{step.number}-{self.station}-{clock}"
        added: list[Arrival] = []
        number = 0
        for enterprise_id, n in self.mix(day):
            for _ in range(n):
                number += 1
                worker_id = f"{prefix}-{number:04d}"
                while worker_id in taken:
                    number += 1
                    worker_id = f"{prefix}-{number:04d}"
                taken.add(worker_id)
                added.append(
                    Arrival(
                        worker_id=worker_id,
                        enterprise_id=enterprise_id,
                        station_id=self.station,
                        arrival_time=when,
                        origin_region=self.origin,
                        health_code=self.health_code,
                        nucleic_test=self.nucleic_test,
                        train_no=self.train_no,
                    )
                )
        return _replace_arrivals(day, (*day.arrivals, *added))


@dataclass(frozen=True, slots=True)
class CloseStation:
    """Close a station: its trains run on to ``reroute_to``, arriving ``extra_min`` later.

    Every worker registered at the closed station is moved, with the same train, to the
    alternative station; grouping, screening and routing then treat them like any other
    arrival there (so workers who end up too late are unserved with the ordinary reasons).
    """

    KIND: ClassVar[str] = "close_station"
    __pydantic_config__ = ConfigDict(extra="forbid")

    station: Id
    reroute_to: Id
    extra_min: Annotated[float, Field(ge=0, le=720)] = 0.0

    def __post_init__(self) -> None:
        if self.station == self.reroute_to:
            raise ValueError("reroute_to must be another station than the closed one")

    def check(self, day: Day) -> list[Issue]:
        """Unknown stations."""
        issues = _check_station(day, ("station",), self.station)
        issues += _check_station(day, ("reroute_to",), self.reroute_to)
        if not issues and not any(a.station_id == self.station for a in day.arrivals):
            issues.append(_nobody("reroutes", None, None))
        return issues

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the closed station's arrivals rerouted."""
        shift = dt.timedelta(minutes=self.extra_min)
        return _replace_arrivals(
            day,
            (
                dataclasses.replace(
                    a, station_id=self.reroute_to, arrival_time=a.arrival_time + shift
                )
                if a.station_id == self.station
                else a
                for a in day.arrivals
            ),
        )


@dataclass(frozen=True, slots=True)
class ScaleShipments:
    """Scale the supply shipments (of one cargo kind) by ``factor``: seeded sample or copies.

    ``round(n × factor)`` of the matching shipments remain; copies get derived ids and keep
    ends, cargo, weight, volume, times and priority. Trucks change with the fleet changes
    (``remove_operator``, ``scale_fleet``, permits), which treat them like buses.
    """

    KIND: ClassVar[str] = "scale_shipments"
    __pydantic_config__ = ConfigDict(extra="forbid")

    factor: Factor
    cargo: Annotated[Cargo | None, BeforeValidator(plain_word)] = None

    def __post_init__(self) -> None:
        if self.cargo is not None:
            object.__setattr__(self, "cargo", Cargo(self.cargo))

    def chosen(self, day: Day) -> list[str]:
        """Ids of the matching shipments."""
        return [s.shipment_id for s in day.shipments if self.cargo in (None, s.cargo)]

    def check(self, day: Day) -> list[Issue]:
        """As a warning: shipments, but none of the cargo kind (a day without any shipments
        is left as it is, silently: there is no supply side to scale)."""
        if self.chosen(day) or not day.shipments:
            return []
        what = f" of cargo {self.cargo.value}" if self.cargo else ""
        return [
            Issue(
                ("cargo",) if self.cargo else (),
                None if self.cargo is None else self.cargo.value,
                f"scales no shipment: the base day has none{what}",
                "check the cargo kind or the base day's shipments.csv",
                warning=True,
            )
        ]

    def apply(self, day: Day, *, step: ChangeStep) -> Day:
        """The day with the scaled shipments."""
        counts = _copies(self.chosen(day), self.factor, step.salt)
        taken = {s.shipment_id for s in day.shipments}
        scaled = _scaled(day.shipments, lambda s: s.shipment_id, counts, taken)
        return day.replace(
            shipments=tuple(
                s if new_id is None else dataclasses.replace(s, shipment_id=new_id)
                for s, new_id in scaled
            )
        )


Change = (
    SetExits
    | PolicyOverride
    | RemoveOperator
    | ScaleFleet
    | AddPermits
    | RevokePermits
    | DelayArrivals
    | ScaleArrivals
    | AddArrivals
    | CloseStation
    | ScaleShipments
    | ApplyEvents
)
CHANGE_TYPES: tuple[type[Change], ...] = (
    SetExits,
    PolicyOverride,
    RemoveOperator,
    ScaleFleet,
    AddPermits,
    RevokePermits,
    DelayArrivals,
    ScaleArrivals,
    AddArrivals,
    CloseStation,
    ScaleShipments,
    ApplyEvents,
)
CHANGE_KINDS: dict[str, type[Change]] = {t.KIND: t for t in CHANGE_TYPES}


def apply_changes(day: Day, changes: Sequence[Change], *, seed: int = 0, first: int = 1) -> Day:
    """Apply ``changes`` in order to ``day`` and return the new day (``day`` is not modified).

    Parameters
    ----------
    day
        The base day.
    changes
        Changes, applied in order (each sees the result of the previous ones).
    seed
        Seed of the sampling choices. Default 0.
    first
        Number of the first change within its scenario (changes are numbered from 1; the
        number salts the sampling and names added workers). Default 1.

    Returns
    -------
    The changed day. ``InputError`` if a change leaves the day inconsistent.
    """
    for number, change in enumerate(changes, start=first):
        day = change.apply(day, step=ChangeStep(seed, number))
    return day
