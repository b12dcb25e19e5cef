"""Validating and cross-checking a planning day's tables and building the ``Day``.

Required tables: ``arrivals``, ``enterprises``, ``depots``, ``fleet``, ``permits``. Optional:
``stations`` (rows add to, or with the same id replace, the embedded stations), ``exits``
(rows update the embedded checkpoint layer, whose unlisted checkpoints stay open, or add new
checkpoints), ``risk_regions`` (default: everywhere low risk) and ``shipments``. See
``dispatch.intake.sources`` for the folder/workbook layout and docs/API.md for every column.

Every row of every table is validated and cross-referenced; all problems of all tables are
raised together as one ``InputError``. A row with a problem is left out of further checks that
would only repeat it (an arrival whose employer row is malformed is not also "unknown").

The planning day is ``planning_date`` from the policy, or else the most common date among the
arrival times (the earliest of equally common ones). Arrival times may be clock times
(``HH:MM``) on that day. An arrival must fall on the planning day (or after midnight, before
the end of an operating window that runs past midnight).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pandas as pd

from dispatch.day import (
    DEFAULT_COST_PER_HOUR,
    DEFAULT_COST_PER_KM,
    DEFAULT_FIXED_COST,
    Arrival,
    Cargo,
    Day,
    HealthCode,
    NucleicTest,
    Permit,
    PermitKind,
    PlaceRef,
    RiskLevel,
    Shipment,
    SourceRow,
    Vehicle,
    VehicleClass,
)
from dispatch.intake.day_tables import DAY_TABLES, DayTable
from dispatch.intake.locations import shipment_points, table_places, warn_outside_prefecture
from dispatch.intake.moments import parse_moment
from dispatch.intake.risk import RegionRow, risk_registry, warn_unmatched
from dispatch.intake.sources import RawDay, read_raw_day
from dispatch.policy import Policy
from stations.embedded import default_exits, default_stations
from stations.errors import InputError, InputWarning, ProblemCollector
from stations.model import (
    Depot,
    Enterprise,
    Exit,
    ExitKind,
    ExitStatus,
    PlaceKind,
    Registry,
    Station,
)
from stations.places import depots_from_frame, enterprises_from_frame, stations_from_frame
from stations.tabular import FIRST_DAY, LAST_DAY, match_headers, row_numbers, validate_frame
from stations.text import identity

T = TypeVar("T")
P = TypeVar("P")
PLACE_READERS: dict[str, Callable[..., Registry[Station] | Registry[Enterprise] | Registry[Depot]]]
PLACE_READERS = {
    "stations": stations_from_frame,
    "enterprises": enterprises_from_frame,
    "depots": depots_from_frame,
}
SHOWN_IDS = 12  # known ids listed in a message


@dataclass(frozen=True, slots=True)
class Row:
    """One validated row of a table with typed accessors (``number`` as in a spreadsheet)."""

    number: int
    cells: Mapping[str, object]

    def given(self, key: str) -> bool:
        """Whether the cell is filled."""
        return self.cells[key] is not None

    def raw(self, key: str) -> object:
        """The cell as validated."""
        return self.cells[key]

    def text(self, key: str) -> str:
        """The cell as text."""
        return str(self.cells[key])

    def opt_text(self, key: str) -> str | None:
        """The cell as text, ``None`` if empty."""
        value = self.cells[key]
        text = "" if value is None else str(value).strip()
        return text or None

    def number_(self, key: str) -> float:
        """The cell as a number."""
        return float(str(self.cells[key]))

    def opt_number(self, key: str) -> float | None:
        """The cell as a number, ``None`` if empty."""
        return None if self.cells[key] is None else self.number_(key)

    def whole(self, key: str) -> int | None:
        """The cell as a whole number, ``None`` if empty."""
        value = self.cells[key]
        return None if value is None else int(float(str(value)))

    def flag(self, key: str) -> bool:
        """The cell as a boolean (empty = false)."""
        return bool(self.cells[key])


@dataclass(slots=True)
class _Table:
    """One validated table: converted frame, the rows that had problems, and its label."""

    table: DayTable
    label: str
    frame: pd.DataFrame
    bad_rows: set[int] = field(default_factory=set)
    broken: bool = False  # unreadable, or a column missing: its keys are not known
    bad_keys: bool = False  # some row's key cell has a problem: that key is not known

    def rows(self) -> Iterator[Row]:
        """The rows without problems so far."""
        names = list(self.frame.columns)
        values = self.frame.itertuples(index=False, name=None)
        for number, cells in zip(row_numbers(self.frame), values, strict=True):
            if number not in self.bad_rows:
                clean = (None if _missing(v) else v for v in cells)
                yield Row(number, dict(zip(names, clean, strict=True)))

    def key_rows(self) -> dict[str, int]:
        """Each key (normalised as an id) and the first row it is on."""
        key = self.table.spec.key
        found = match_headers(self.frame.columns, self.table.spec).positions.get(key or "")
        if not found:
            return {}
        rows: dict[str, int] = {}
        for number, cell in zip(row_numbers(self.frame), self.frame.iloc[:, found[0]], strict=True):
            text = "" if _missing(cell) else identity(_key_text(cell))
            if text:
                rows.setdefault(text, number)
        return rows

    def all_keys(self) -> set[str]:
        """Every non-empty key in the table, including keys of rows with other problems."""
        return set(self.key_rows())


def _missing(value: object) -> bool:
    """Empty cells come back from ``validate_frame`` as None, NaN or NaT."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def _key_text(value: object) -> str:
    """An id cell as text, the way ``validate_frame`` reads a text column."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(ids: set[str] | list[str]) -> str:
    listed = sorted(ids)
    more = f", … ({len(listed)} in all)" if len(listed) > SHOWN_IDS else ""
    return (", ".join(listed[:SHOWN_IDS]) + more) or "(none)"


class _Intake:
    """Validates the raw tables of one day, collecting every problem."""

    def __init__(
        self,
        raw: RawDay,
        source: str,
        policy: Policy | None,
        resolve: Callable[[Policy], Policy] | None = None,
    ) -> None:
        self.raw = raw
        self.source = source
        self.problems = ProblemCollector()
        self.problems.extend(raw.problems)
        self.policy = policy if policy is not None else self._policy()
        if resolve is not None:
            self.policy = self._resolved(resolve)
        self.tables = {t.name: self._validate(t) for t in DAY_TABLES}
        self.planning_date: dt.date | None = None

    def _policy(self) -> Policy:
        try:
            return Policy.from_mapping(self.raw.policy_values, source=self.raw.policy_label)
        except InputError as error:
            self.problems.extend(error.problems)
            return Policy()

    def _resolved(self, resolve: Callable[[Policy], Policy]) -> Policy:
        try:
            return resolve(self.policy)
        except InputError as error:  # a bad override joins the day's problems
            self.problems.extend(error.problems)
            return self.policy

    def _validate(self, table: DayTable) -> _Table:
        label = self.raw.labels.get(table.name, table.filename)
        raw = self.raw.frames.get(table.name)
        if raw is None:  # not given (optional), missing or unreadable: reported by sources
            empty = pd.DataFrame(columns=[c.name for c in table.spec.columns])
            return _Table(
                table, label, empty, broken=table.required or table.name in self.raw.unread
            )
        if table.name in PLACE_READERS:  # validated by the stations layer's reader
            return _Table(table, label, raw)
        frame, found = validate_frame(raw, table.spec, label=label)
        self.problems.extend(found)
        bad = {p.row for p in found if p.row is not None}
        broken = any(p.row is None for p in found)  # a required column is missing
        if broken:
            bad = set(range(2, len(frame) + 2))
        bad_keys = any(p.column == table.spec.key for p in found)
        return _Table(table, label, frame, bad, broken, bad_keys)

    def add(
        self, t: _Table, row: int | None, column: str | None, value: object, message: str, fix: str
    ) -> None:
        """Record a problem and mark the row bad."""
        self.problems.add(t.label, row, column, value, message, fix)
        if row is not None:
            t.bad_rows.add(row)

    def check_ref(
        self, t: _Table, row: Row, column: str, target: str, known: set[str], what: str
    ) -> bool:
        """Problem unless the cell is one of the ``known`` ids of table ``target``.

        Nothing is checked against a table that is missing, unreadable, lacks a column or has a
        row whose key cell is bad (that is reported once, not again for every reference to it).
        """
        table = self.tables[target]
        absent = target not in self.raw.frames and not known
        keys_unknown = table.broken or table.bad_keys or absent
        if row.text(column) in known or keys_unknown:
            return True
        self.add(
            t,
            row.number,
            column,
            row.raw(column),
            f"is not a known {what}",
            f"use one of: {_shown(known)}",
        )
        return False

    def build(self, t: _Table, row: Row, make: Callable[[Row], T]) -> T | None:
        """Construct a domain object; a failed invariant becomes a problem of the row."""
        try:
            return make(row)
        except ValueError as error:
            self.add(t, row.number, None, None, f"is inconsistent: {error}", "correct the row")
            return None

    def moment(
        self, t: _Table, row: Row, column: str, *, end_of_date: bool = False
    ) -> dt.datetime | None:
        """A time cell on the planning day; ``None`` (with a problem) if unparsable."""
        value = row.raw(column)
        moment = parse_moment(value)
        if moment is None:
            self.add(
                t,
                row.number,
                column,
                value,
                "is not a valid time",
                "give an ISO 8601 local time such as 2020-02-24T08:30, a date 2020-02-24, "
                "or HH:MM on the planning day",
            )
            return None
        if not moment.in_range():
            self.add(
                t,
                row.number,
                column,
                value,
                f"is outside the years {FIRST_DAY.year}–{LAST_DAY.year}",
                f"give a time between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
                + (f" (a permit without an end: {LAST_DAY.isoformat()})" if end_of_date else ""),
            )
            return None
        if self.planning_date is None and moment.when is None and moment.date is None:
            return None  # a clock time without a day: reported once, as the unknown day
        return moment.on(self.planning_date or FIRST_DAY, end_of_date=end_of_date)

    def window(
        self, t: _Table, row: Row, start: str, end: str
    ) -> tuple[bool, list[dt.datetime | None]]:
        """Two optional time cells; ``(ok, [start, end])`` with end checked after start."""
        times = [self.moment(t, row, key) if row.given(key) else None for key in (start, end)]
        if any(w is None and row.given(k) for w, k in zip(times, (start, end), strict=True)):
            return False, times
        first, last = times
        if first is not None and last is not None and last <= first:
            self.add(
                t,
                row.number,
                end,
                row.raw(end),
                f"is not after {start} ({row.raw(start)})",
                f"give a {end} later than {start}",
            )
            return False, times
        return True, times


def read_day(
    path: Path,
    *,
    policy: Policy | None = None,
    resolve: Callable[[Policy], Policy] | None = None,
) -> Day:
    """Read, validate and cross-check the planning day at ``path``.

    Parameters
    ----------
    path
        A folder of CSV files (+ ``policy.toml``) or an ``.xlsx`` workbook (+ ``policy`` sheet).
    policy
        Use this policy instead of the one the day carries (see ``resolve_policy``).
        Default None.
    resolve
        Turns the day's own policy (or ``policy``) into the one to read and plan with, e.g.
        command-line flags and a ``--policy`` file over it (``resolve_policy``), so the tables
        are read once under the final policy; its ``InputError`` joins the day's problems.
        Default None.

    Returns
    -------
    The validated ``Day``. Raises ``InputError`` listing every problem in every table;
    unknown columns, sheets and files give an ``InputWarning``.
    """
    raw = read_raw_day(path)
    intake = _Intake(raw, path.name, policy, resolve)
    tables = intake.tables
    stations = _stations(intake)
    enterprises = _places(intake, "enterprises", enterprises_from_frame)
    depots = _places(intake, "depots", depots_from_frame)
    exits = _exits(intake, tables["exits"])
    intake.planning_date = _planning_date(intake, tables["arrivals"])
    arrivals = _arrivals(intake, tables["arrivals"], set(stations))
    fleet = _fleet(intake, tables["fleet"], depots)
    permits = _permits(intake, tables["permits"])
    regions = _region_rows(intake, tables["risk_regions"])
    risk = risk_registry(regions, tables["risk_regions"].label, intake.problems)
    places = _place_points(stations, enterprises, depots, exits)
    shipments = _shipments(intake, tables["shipments"], places)
    rows = _source_rows(intake)
    warn_outside_prefecture(
        [
            *table_places("station", stations.values(), rows),
            *table_places("enterprise", enterprises.values(), rows),
            *table_places("depot", depots.values(), rows),
            *table_places("exit", exits.values(), rows),
            *shipment_points(shipments, rows),
        ]
    )
    intake.problems.raise_if_any()
    assert intake.planning_date is not None  # else a problem was raised
    warn_unmatched(regions, arrivals, tables["risk_regions"].label)
    return Day(
        date=intake.planning_date,
        policy=dataclasses.replace(intake.policy, planning_date=intake.planning_date),
        stations=stations,
        enterprises=enterprises,
        depots=depots,
        exits=exits,
        arrivals=tuple(arrivals),
        fleet=tuple(fleet),
        permits=tuple(permits),
        risk_regions=risk,
        shipments=tuple(shipments),
        source=str(path),
        rows=rows,
    )


# --------------------------------------------------------------------------- places


def _places(intake: _Intake, name: str, reader: Callable[..., Registry[P]]) -> Registry[P]:
    """A place table read by the stations layer; its problems join the day's."""
    t = intake.tables[name]
    kind = name.removesuffix("s")
    if name not in intake.raw.frames:
        return Registry(kind, ())
    try:
        return reader(t.frame, label=t.label)
    except InputError as error:
        intake.problems.extend(error.problems)
        t.broken = any(p.row is None for p in error.problems)
        t.bad_keys = any(p.column == t.table.spec.key for p in error.problems)
        return Registry(kind, ())


def _region_rows(intake: _Intake, t: _Table) -> list[RegionRow]:
    return [
        RegionRow(row.number, row.text("region"), RiskLevel(row.text("level"))) for row in t.rows()
    ]


SOURCE_KINDS = {
    "stations": "station",
    "enterprises": "enterprise",
    "depots": "depot",
    "exits": "exit",
    "shipments": "shipment",
}


def _source_rows(intake: _Intake) -> dict[tuple[str, str], SourceRow]:
    """Where each place and shipment read from a table came from (first row of its id)."""
    rows: dict[tuple[str, str], SourceRow] = {}
    for name, kind in SOURCE_KINDS.items():
        t = intake.tables[name]
        for key, row in t.key_rows().items():
            rows.setdefault((kind, key), SourceRow(t.label, row))
    return rows


def _stations(intake: _Intake) -> Registry[Station]:
    merged = dict(default_stations().entries)
    merged.update(_places(intake, "stations", stations_from_frame).entries)
    return Registry("station", tuple(merged.items()))


def _updated_exit(base: Exit, row: Row) -> Exit:
    changes: dict[str, object] = {
        "status": ExitStatus(row.text("status")),
        "delay_min": row.opt_number("delay_min"),
    }
    for key in ("name", "road"):
        if row.given(key):
            changes[key] = row.text(key)
    for key in ("lon", "lat"):
        if row.given(key):
            changes[key] = row.number_(key)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _new_exit(row: Row) -> Exit:
    return Exit(
        exit_id=row.text("exit_id"),
        name=row.text("name"),
        lon=row.number_("lon"),
        lat=row.number_("lat"),
        status=ExitStatus(row.text("status")),
        road=row.opt_text("road") or "",
        delay_min=row.opt_number("delay_min"),
        kind=ExitKind.USER,
        source="day table",
    )


def _exits(intake: _Intake, t: _Table) -> Registry[Exit]:
    merged = dict(default_exits().entries)
    for row in t.rows():
        base = merged.get(row.text("exit_id"))
        if base is not None:
            made = intake.build(t, row, partial(_updated_exit, base))
        else:
            missing = [k for k in ("name", "lon", "lat") if not row.given(k)]
            if missing:
                intake.add(
                    t,
                    row.number,
                    missing[0],
                    None,
                    f"is empty and {row.text('exit_id')!r} is not an embedded checkpoint",
                    "give name, lon and lat for a new checkpoint, or use an embedded exit id "
                    "(see `charter exits list`)",
                )
                continue
            made = intake.build(t, row, _new_exit)
        if made is not None:
            merged[made.exit_id] = made
    return Registry("exit", tuple(merged.items()))


PlacePoints = Mapping[str, Mapping[PlaceKind, PlaceRef]]
# How a shipment end may name the table of an id that several tables share.
KIND_PREFIXES: Mapping[str, PlaceKind] = {
    "station": PlaceKind.STATION,
    "enterprise": PlaceKind.ENTERPRISE,
    "employer": PlaceKind.ENTERPRISE,
    "depot": PlaceKind.DEPOT,
    "exit": PlaceKind.EXIT,
}
_KIND_NAMES = {
    PlaceKind.STATION: "a station",
    PlaceKind.ENTERPRISE: "an employer",
    PlaceKind.DEPOT: "a depot",
    PlaceKind.EXIT: "an exit",
}


def _place_points(
    stations: Registry[Station],
    enterprises: Registry[Enterprise],
    depots: Registry[Depot],
    exits: Registry[Exit],
) -> dict[str, dict[PlaceKind, PlaceRef]]:
    """Every known place by id, then by kind (an id may name places of several kinds)."""
    points: dict[str, dict[PlaceKind, PlaceRef]] = {}
    groups: tuple[
        tuple[
            PlaceKind, Registry[Exit] | Registry[Depot] | Registry[Enterprise] | Registry[Station]
        ],
        ...,
    ] = (
        (PlaceKind.STATION, stations),
        (PlaceKind.ENTERPRISE, enterprises),
        (PlaceKind.DEPOT, depots),
        (PlaceKind.EXIT, exits),
    )
    for kind, registry in groups:
        for place in registry.values():
            ref = PlaceRef(place.lon, place.lat, place.place_id, kind=kind)
            points.setdefault(place.place_id, {})[kind] = ref
    return points


# --------------------------------------------------------------------------- arrivals


def _planning_date(intake: _Intake, t: _Table) -> dt.date | None:
    if intake.policy.planning_date is not None:
        return intake.policy.planning_date
    dates: Counter[dt.date] = Counter()
    rows = clocks = 0
    for row in t.rows():
        rows += 1
        moment = parse_moment(row.raw("arrival_time"))
        if moment is None or not moment.in_range():
            continue  # reported with its row
        if moment.clock_s is not None:
            clocks += 1
        elif moment.when is not None:
            dates[moment.when.date()] += 1
        elif moment.date is not None:
            dates[moment.date] += 1
    if dates:
        top = max(dates.values())
        return min(d for d, n in dates.items() if n == top)
    if t.broken or (rows and not clocks):
        return None  # the table's or the times' own problems are reported, not this follow-on
    intake.add(
        t,
        None,
        "arrival_time",
        None,
        "gives no date, so the planning day is unknown",
        "set `planning_date` in the policy, or give arrival times with dates",
    )
    return None


def _arrival(when: dt.datetime, row: Row) -> Arrival:
    return Arrival(
        worker_id=row.text("worker_id"),
        enterprise_id=row.text("enterprise_id"),
        station_id=row.text("station_id"),
        arrival_time=when,
        origin_region=row.text("origin_region"),
        health_code=HealthCode(row.text("health_code")),
        nucleic_test=NucleicTest(row.opt_text("nucleic_test") or "none"),
        train_no=row.opt_text("train_no"),
        name=row.opt_text("name"),
        id_number=row.opt_text("id_number"),
        phone=row.opt_text("phone"),
    )


def _arrivals(intake: _Intake, t: _Table, station_ids: set[str]) -> list[Arrival]:
    station_ids = station_ids | intake.tables["stations"].all_keys()
    enterprise_ids = intake.tables["enterprises"].all_keys()
    day = intake.planning_date
    midnight = dt.datetime.combine(day or dt.date.min, dt.time())
    latest = midnight + dt.timedelta(minutes=max(24 * 60, intake.policy.day_end_min))
    arrivals: list[Arrival] = []
    for row in list(t.rows()):
        ok = intake.check_ref(t, row, "station_id", "stations", station_ids, "station")
        ok &= intake.check_ref(t, row, "enterprise_id", "enterprises", enterprise_ids, "enterprise")
        when = intake.moment(t, row, "arrival_time")
        if when is None or day is None:
            continue
        if not midnight <= when < latest:
            intake.add(
                t,
                row.number,
                "arrival_time",
                row.raw("arrival_time"),
                f"is not on the planning day {day.isoformat()}",
                "give only arrivals of the planning day (`planning_date` in the policy, or "
                "else the most common arrival date)",
            )
            continue
        if ok and (arrival := intake.build(t, row, partial(_arrival, when))) is not None:
            arrivals.append(arrival)
    return arrivals


# --------------------------------------------------------------------------- fleet, permits


def _vehicle(window: list[dt.datetime | None], row: Row) -> Vehicle:
    return Vehicle(
        vehicle_id=row.text("vehicle_id"),
        operator=row.text("operator"),
        depot_id=row.text("depot_id"),
        vehicle_class=VehicleClass(row.text("class")),
        seats=row.whole("seats"),
        capacity_t=row.opt_number("capacity_t"),
        capacity_m3=row.opt_number("capacity_m3"),
        available_from=window[0],
        available_to=window[1],
        cost_per_km=_or(row.opt_number("cost_per_km"), DEFAULT_COST_PER_KM),
        cost_per_hour=_or(row.opt_number("cost_per_hour"), DEFAULT_COST_PER_HOUR),
        fixed_cost=_or(row.opt_number("fixed_cost"), DEFAULT_FIXED_COST),
    )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _fleet(intake: _Intake, t: _Table, depots: Registry[Depot]) -> list[Vehicle]:
    depot_ids = intake.tables["depots"].all_keys()
    fleet: list[Vehicle] = []
    for row in list(t.rows()):
        ok = intake.check_ref(t, row, "depot_id", "depots", depot_ids, "depot")
        needs = {"bus": ("seats", "the passenger seats"), "truck": ("capacity_t", "the payload")}
        column, what = needs[row.text("class")]
        if not row.given(column):
            intake.add(
                t, row.number, column, None, f"is empty for a {row.text('class')}", f"give {what}"
            )
            ok = False
        fine, window = intake.window(t, row, "available_from", "available_to")
        depot = depots.get(row.text("depot_id"))
        if depot is not None and identity(depot.operator) != identity(row.text("operator")):
            warnings.warn(
                f"{t.label} row {row.number}: vehicle {row.text('vehicle_id')} of operator "
                f"{row.text('operator')!r} is kept at depot {depot.depot_id} of {depot.operator!r}",
                InputWarning,
                stacklevel=3,
            )
        if ok and fine and (vehicle := intake.build(t, row, partial(_vehicle, window))):
            fleet.append(vehicle)
    return fleet


def _permit(start: dt.datetime, end: dt.datetime, row: Row) -> Permit:
    return Permit(
        permit_no=row.text("permit_no"),
        vehicle_id=row.text("vehicle_id"),
        kind=PermitKind(row.text("kind")),
        valid_from=start,
        valid_to=end,
    )


def _permits(intake: _Intake, t: _Table) -> list[Permit]:
    vehicle_ids = intake.tables["fleet"].all_keys()
    permits: list[Permit] = []
    for row in list(t.rows()):
        ok = intake.check_ref(t, row, "vehicle_id", "fleet", vehicle_ids, "vehicle in the fleet")
        start = intake.moment(t, row, "valid_from")
        end = intake.moment(t, row, "valid_to", end_of_date=True)
        if start is None or end is None:
            continue
        if end <= start:
            intake.add(
                t,
                row.number,
                "valid_to",
                row.raw("valid_to"),
                f"ends before the permit starts ({row.raw('valid_from')})",
                "give a valid_to on or after valid_from",
            )
            continue
        if ok and (permit := intake.build(t, row, partial(_permit, start, end))) is not None:
            permits.append(permit)
    return permits


# --------------------------------------------------------------------------- shipments

_LON_LAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def _place_cell(
    intake: _Intake, t: _Table, row: Row, column: str, places: PlacePoints
) -> PlaceRef | None:
    text = row.text(column).strip()
    prefix, colon, _ = text.partition(":")
    if text not in places and colon and prefix.strip().lower() in KIND_PREFIXES:
        return _typed_place(intake, t, row, column, places, KIND_PREFIXES[prefix.strip().lower()])
    if text in places:
        kinds = places[text]
        if len(kinds) == 1:
            return next(iter(kinds.values()))
        named = " and ".join(_KIND_NAMES[k] for k in kinds)
        intake.add(
            t,
            row.number,
            column,
            text,
            f"is the id of {named}",
            "write the kind before the id: " + " or ".join(f"{k.value}:{text}" for k in kinds),
        )
        return None
    match = _LON_LAT.match(text)
    if match:
        try:
            return PlaceRef(float(match.group(1)), float(match.group(2)))
        except ValueError as error:
            intake.add(
                t, row.number, column, text, f"is not a valid point: {error}", "give lon,lat"
            )
            return None
    place_tables = [intake.tables[name] for name in (*PLACE_READERS, "exits")]
    if any(t.broken or text in t.all_keys() for t in place_tables):
        return None  # its row (or its whole table) has a problem, reported there
    intake.add(
        t,
        row.number,
        column,
        text,
        "is neither a known place id nor lon,lat",
        f"use a place id ({_shown(list(places))}) or lon,lat such as 120.62,31.32",
    )
    return None


def _typed_place(
    intake: _Intake, t: _Table, row: Row, column: str, places: PlacePoints, kind: PlaceKind
) -> PlaceRef | None:
    """A shipment end written ``kind:id`` (``enterprise:E1``)."""
    text = row.text(column).strip()
    place_id = text.partition(":")[2].strip()
    found = places.get(place_id, {}).get(kind)
    if found is not None:
        return found
    kinds = places.get(place_id, {})
    fix = (
        "use " + " or ".join(f"{k.value}:{place_id}" for k in kinds)
        if kinds
        else f"use the id of {_KIND_NAMES[kind]} of the day"
    )
    what = _KIND_NAMES[kind].split()[1]
    intake.add(t, row.number, column, text, f"names no {what} {place_id!r}", fix)
    return None


def _shipment(
    origin: PlaceRef, destination: PlaceRef, times: list[dt.datetime | None], row: Row
) -> Shipment:
    return Shipment(
        shipment_id=row.text("shipment_id"),
        origin=dataclasses.replace(origin, name=row.opt_text("origin_name")),
        destination=dataclasses.replace(destination, name=row.opt_text("destination_name")),
        cargo=Cargo(row.text("cargo")),
        weight_t=row.number_("weight_t"),
        volume_m3=row.opt_number("volume_m3"),
        ready_time=times[0],
        due_time=times[1],
        priority=row.whole("priority") or 1,
    )


def _shipments(intake: _Intake, t: _Table, places: PlacePoints) -> list[Shipment]:
    shipments: list[Shipment] = []
    for row in list(t.rows()):
        origin = _place_cell(intake, t, row, "origin", places)
        destination = _place_cell(intake, t, row, "destination", places)
        fine, times = intake.window(t, row, "ready_time", "due_time")
        if origin is None or destination is None or not fine:
            continue
        made = intake.build(t, row, partial(_shipment, origin, destination, times))
        if made is not None:
            shipments.append(made)
    return shipments
