"""The events file: one table of events (and one of walk-in workers) in a folder, a workbook
or a YAML file, validated like every input — all problems at once, each with its table, row,
column, value and fix.

* a folder holds ``events.csv`` and, for walk-ins, ``walk_ins.csv`` (a CSV file alone is the
  events table without walk-ins);
* a workbook (``.xlsx``) holds the sheets ``events`` and ``walk_ins``;
* a YAML file (``.yaml``/``.yml``) holds ``events:`` — a list of mappings with the same keys
  (``worker_ids`` may be a list) — and a walk-in event may list its workers under
  ``workers:``; problems name the line.

The columns (``EVENTS``, ``WALK_INS``) are documented in docs/API.md ("Events"); which
columns each kind needs and allows is in ``KIND_COLUMNS``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

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
    Shipment,
    Vehicle,
    VehicleClass,
)
from dispatch.intake.day_tables import ARRIVALS, CARGO_KINDS, DayTable
from dispatch.intake.moments import parse_moment
from dispatch.intake.reader import KIND_PREFIXES
from dispatch.replan.checks import event_problems
from dispatch.replan.events import (
    Event,
    EventKind,
    EventLog,
    EventSource,
    ExitChange,
    NoShow,
    ShipmentAdded,
    ShipmentCancelled,
    TrainDelay,
    VehicleAdded,
    VehicleBreakdown,
    WalkIn,
)
from stations import places
from stations.errors import InputError, InputProblem, ProblemCollector
from stations.model import Depot, Enterprise, Exit, ExitStatus, PlaceKind, Registry, Station
from stations.tabular import Column, Kind, TableSpec, read_frame, row_numbers, validate_frame
from stations.text import identity, word_key
from stations.textfile import read_text_file
from stations.workbook import read_workbook

_MOMENT = "HH:MM on the planning day, or an ISO 8601 local time (2020-02-24T10:30)"
_IDS = re.compile(r"[\s,;，；、]+")
_LON_LAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
PERMIT_HOURS = 31  # an added vehicle's permit: from the day's midnight to 07:00 the next day


def _text(name: str, **options: object) -> Column:
    return Column(name, Kind.TEXT, required=False, **options)  # type: ignore[arg-type]


def _id(name: str) -> Column:
    return Column(name, Kind.ID, required=False)


EVENTS = DayTable(
    TableSpec(
        "events",
        (
            _id("event_id"),
            Column("kind", Kind.CHOICE, choices=tuple(k.value for k in EventKind)),
            Column("known_at", Kind.TEXT, fix=f"give when it became known: {_MOMENT}"),
            _id("station_id"),
            _text("train_no"),
            _text("window_from"),
            _text("window_to"),
            Column("minutes", Kind.FLOAT, required=False, minimum=-720, maximum=1440),
            _text("worker_ids"),
            Column("share", Kind.FLOAT, required=False, minimum=0.0001, maximum=1),
            _id("exit_id"),
            dataclasses.replace(places.EXITS.column("status"), required=False),
            Column("delay_min", Kind.FLOAT, required=False, minimum=0, maximum=1440),
            _id("vehicle_id"),
            _text("time"),
            _id("depot_id"),
            _text("operator"),
            Column("seats", Kind.INT, required=False, minimum=1, maximum=120),
            Column("capacity_t", Kind.FLOAT, required=False, minimum=0.1, maximum=100),
            _id("permit_no"),
            _id("shipment_id"),
            _id("origin"),
            _id("destination"),
            Column("cargo", Kind.CHOICE, required=False, choices=CARGO_KINDS),
            Column("weight_t", Kind.FLOAT, required=False, minimum=0, maximum=1_000),
            _text("ready_time"),
            _text("due_time"),
            Column("priority", Kind.INT, required=False, minimum=1, maximum=9),
            _text("note"),
        ),
        key="event_id",
    ),
    required=True,
    summary="one event of the day and when the centre learned of it",
    docs=(
        ("event_id", "unique id of the event (walk-in rows refer to it); [empty]"),
        ("kind", ", ".join(k.value for k in EventKind)),
        ("known_at", f"when the centre learned of it; {_MOMENT}"),
        ("station_id", "train_delay, no_show: the arrival station"),
        ("train_no", "train_delay, no_show: the train or coach number (as in arrivals)"),
        ("window_from", f"train_delay: registered arrivals from this time; {_MOMENT}"),
        ("window_to", f"train_delay: … until before this time; {_MOMENT}"),
        ("minutes", "train_delay: minutes late against the registered arrival (< 0: early)"),
        ("worker_ids", "no_show: worker ids, separated by spaces, commas or semicolons"),
        ("share", "no_show: share of the train's workers who do not come (0 … 1)"),
        ("exit_id", "exit_status: the exit (an `exit_id` of the day's exits)"),
        ("status", "exit_status: green_channel, open, freight_only, closed"),
        ("delay_min", "exit_status: checkpoint delay from then on; [status default]"),
        ("vehicle_id", "vehicle_breakdown, vehicle_added: the plate"),
        (
            "time",
            f"exit_status: from when; vehicle_breakdown: when it broke down; "
            f"vehicle_added: when it can leave its depot; {_MOMENT}; [known_at]",
        ),
        ("depot_id", "vehicle_added: its depot"),
        ("operator", "vehicle_added: its operator; [the depot's operator]"),
        ("seats", "vehicle_added: seats of a bus"),
        ("capacity_t", "vehicle_added: payload of a truck, tonnes"),
        ("permit_no", "vehicle_added: its permit (passenger or goods, for the day); [ADD-<plate>]"),
        ("shipment_id", "shipment_added, shipment_cancelled: the shipment"),
        ("origin", "shipment_added: a place id or `lon,lat`"),
        ("destination", "shipment_added: a place id or `lon,lat`"),
        ("cargo", "shipment_added: epidemic_supplies, necessities, production_materials, other"),
        ("weight_t", "shipment_added: weight, tonnes"),
        ("ready_time", f"shipment_added: earliest pickup; {_MOMENT}; [known_at]"),
        ("due_time", f"shipment_added: latest delivery; {_MOMENT}; [day end]"),
        ("priority", "shipment_added: 1 (normal) … 9 (most urgent); [1]"),
        ("note", "free text for the duty log; [empty]"),
    ),
)

WALK_INS = DayTable(
    TableSpec(
        "walk_ins",
        (Column("event_id", Kind.ID), *ARRIVALS.spec.columns),
        key="worker_id",
    ),
    required=False,
    summary="a worker who arrived without registering (a `walk_in` event's rows)",
    docs=(
        ("event_id", "the `walk_in` event (an `event_id` of events)"),
        *ARRIVALS.docs,
    ),
)

# kind → (columns it needs, columns it may have besides); the first four are always allowed
_ALWAYS = ("event_id", "kind", "known_at", "note")
KIND_COLUMNS: dict[EventKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    EventKind.TRAIN_DELAY: (("station_id", "minutes"), ("train_no", "window_from", "window_to")),
    EventKind.NO_SHOW: ((), ("worker_ids", "station_id", "train_no", "share")),
    EventKind.WALK_IN: (("event_id",), ()),
    EventKind.EXIT_STATUS: (("exit_id", "status"), ("time", "delay_min")),
    EventKind.VEHICLE_BREAKDOWN: (("vehicle_id",), ("time",)),
    EventKind.VEHICLE_ADDED: (
        ("vehicle_id", "depot_id"),
        ("operator", "seats", "capacity_t", "permit_no", "time"),
    ),
    EventKind.SHIPMENT_ADDED: (
        ("shipment_id", "origin", "destination", "cargo", "weight_t"),
        ("ready_time", "due_time", "priority"),
    ),
    EventKind.SHIPMENT_CANCELLED: (("shipment_id",), ()),
}


@dataclass(frozen=True, slots=True)
class _Rows:
    """One validated table: its rows as records, where each row is named in problems."""

    label: str
    records: list[tuple[EventSource, dict[str, object]]]


def _records(frame: pd.DataFrame, names: Sequence[str]) -> Iterator[tuple[int, dict[str, object]]]:
    values = frame[list(names)].itertuples(index=False, name=None)
    for number, cells in zip(row_numbers(frame), values, strict=True):
        yield number, {k: (None if _missing(v) else v) for k, v in zip(names, cells, strict=True)}


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


class _Reader:
    """Turns validated rows into events, collecting every problem."""

    def __init__(self, day: Day) -> None:
        self.day = day
        self.problems = ProblemCollector()

    def add(
        self, source: EventSource, column: str | None, value: object, message: str, fix: str
    ) -> None:
        self.problems.add(source.table, source.row, column, value, message, fix)

    def moment(
        self, source: EventSource, cells: Mapping[str, object], column: str
    ) -> dt.datetime | None:
        """A time cell on the planning day (None, with a problem, if it is not one)."""
        value = cells[column]
        moment = parse_moment(value)
        when = None if moment is None else moment.on(self.day.date)
        latest = self.day.midnight + dt.timedelta(hours=30)
        if when is None or not self.day.midnight <= when <= latest:
            self.add(
                source,
                column,
                value,
                f"is not a time of the planning day {self.day.date.isoformat()}",
                f"give {_MOMENT}",
            )
            return None
        return when

    def shape(self, source: EventSource, kind: EventKind, cells: Mapping[str, object]) -> bool:
        """The columns a kind needs are filled and those it does not take are empty."""
        needs, may = KIND_COLUMNS[kind]
        fine = True
        for column in needs:
            if cells.get(column) is None:
                self.add(source, column, None, f"is empty for a {kind.value} event", "fill it in")
                fine = False
        allowed = {*_ALWAYS, *needs, *may}
        for column, value in cells.items():
            if value is not None and column not in allowed:
                self.add(
                    source,
                    column,
                    value,
                    f"does not apply to a {kind.value} event",
                    f"leave it empty (a {kind.value} event takes: {', '.join((*needs, *may))})",
                )
                fine = False
        return fine

    def event(
        self,
        source: EventSource,
        cells: Mapping[str, object],
        walk_ins: Mapping[str, list[Arrival]],
    ) -> Event | None:
        """The event of one row (None, with problems, when it is not valid)."""
        kind = EventKind(str(cells["kind"]))
        known = self.moment(source, cells, "known_at")
        if not self.shape(source, kind, cells) or known is None:
            return None
        build: dict[
            EventKind, Callable[[EventSource, Mapping[str, object], dt.datetime], Event | None]
        ]
        build = {
            EventKind.TRAIN_DELAY: self.delay,
            EventKind.NO_SHOW: self.no_show,
            EventKind.EXIT_STATUS: self.exit_status,
            EventKind.VEHICLE_BREAKDOWN: self.breakdown,
            EventKind.VEHICLE_ADDED: self.vehicle,
            EventKind.SHIPMENT_ADDED: self.shipment,
            EventKind.SHIPMENT_CANCELLED: self.cancelled,
        }
        if kind is EventKind.WALK_IN:
            event_id = str(cells["event_id"])
            arrivals = walk_ins.get(event_id, [])
            if not arrivals:
                self.add(
                    source,
                    "event_id",
                    event_id,
                    "is a walk_in event without workers",
                    "list its workers in walk_ins (their `event_id` is this one)",
                )
                return None
            return WalkIn(known, tuple(arrivals), event_id, source)
        return build[kind](source, cells, known)

    def delay(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        start = self.moment(source, cells, "window_from") if cells["window_from"] else None
        end = self.moment(source, cells, "window_to") if cells["window_to"] else None
        train = None if cells["train_no"] is None else str(cells["train_no"]).strip()
        if train is None and start is None and end is None:
            self.add(
                source,
                "train_no",
                None,
                "is empty and so is the arrival window",
                "give the train number, or window_from / window_to",
            )
            return None
        if start is not None and end is not None and end <= start:
            self.add(
                source,
                "window_to",
                cells["window_to"],
                "is not after window_from",
                "give a later end",
            )
            return None
        if (cells["window_from"] and start is None) or (cells["window_to"] and end is None):
            return None
        return TrainDelay(
            known, str(cells["station_id"]), float(str(cells["minutes"])), train, start, end, source
        )

    def no_show(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        ids = tuple(identity(w) for w in _IDS.split(str(cells["worker_ids"] or "")) if w.strip())
        by_train = [cells[c] for c in ("station_id", "train_no", "share")]
        if ids and any(v is not None for v in by_train):
            self.add(
                source,
                "worker_ids",
                cells["worker_ids"],
                "is given with a train and share",
                "give either worker ids, or station_id, train_no and share",
            )
            return None
        if not ids and any(v is None for v in by_train):
            column = ("station_id", "train_no", "share")[[v is None for v in by_train].index(True)]
            self.add(
                source,
                column,
                None,
                "is empty (a no-show names workers, or a train and a share)",
                "give worker_ids, or station_id, train_no and share",
            )
            return None
        if ids:
            return NoShow(known, ids, source=source)
        return NoShow(
            known,
            station_id=str(cells["station_id"]),
            train_no=str(cells["train_no"]).strip(),
            share=float(str(cells["share"])),
            source=source,
        )

    def exit_status(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        start = self.moment(source, cells, "time") if cells["time"] else known
        if start is None:
            return None
        delay = None if cells["delay_min"] is None else float(str(cells["delay_min"]))
        return ExitChange(
            known, str(cells["exit_id"]), ExitStatus(str(cells["status"])), start, delay, source
        )

    def breakdown(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        when = self.moment(source, cells, "time") if cells["time"] else known
        return (
            None
            if when is None
            else VehicleBreakdown(known, str(cells["vehicle_id"]), when, source)
        )

    def vehicle(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        seats, payload = cells["seats"], cells["capacity_t"]
        if (seats is None) == (payload is None):
            self.add(
                source,
                "seats",
                seats,
                "and capacity_t: give exactly one",
                "give seats for a bus or capacity_t for a truck",
            )
            return None
        start = self.moment(source, cells, "time") if cells["time"] else known
        if start is None:
            return None
        plate, depot_id = str(cells["vehicle_id"]), str(cells["depot_id"])
        depot = self.day.depots.get(depot_id)
        operator = str(cells["operator"] or (depot.operator if depot else "")) or "-"
        bus = seats is not None
        vehicle = Vehicle(
            plate,
            operator,
            depot_id,
            VehicleClass.BUS if bus else VehicleClass.TRUCK,
            seats=int(float(str(seats))) if bus else None,
            capacity_t=None if bus else float(str(payload)),
            available_from=start,
            cost_per_km=DEFAULT_COST_PER_KM,
            cost_per_hour=DEFAULT_COST_PER_HOUR,
            fixed_cost=DEFAULT_FIXED_COST,
        )
        permit = Permit(
            str(cells["permit_no"] or f"ADD-{plate}"),
            plate,
            PermitKind.PASSENGER if bus else PermitKind.GOODS,
            self.day.midnight,
            self.day.midnight + dt.timedelta(hours=PERMIT_HOURS),
        )
        return VehicleAdded(known, vehicle, permit, source)

    def place(
        self, source: EventSource, cells: Mapping[str, object], column: str
    ) -> PlaceRef | None:
        """A shipment end: a place id (``kind:id`` where tables share it) or ``lon,lat``."""
        text = str(cells[column]).strip()
        day = self.day
        registries: dict[
            PlaceKind, Registry[Station] | Registry[Enterprise] | Registry[Depot] | Registry[Exit]
        ] = {
            PlaceKind.STATION: day.stations,
            PlaceKind.ENTERPRISE: day.enterprises,
            PlaceKind.DEPOT: day.depots,
            PlaceKind.EXIT: day.exits,
        }
        prefix, colon, rest = text.partition(":")
        wanted = KIND_PREFIXES.get(prefix.strip().lower()) if colon else None
        key = rest.strip() if wanted is not None else text
        found: dict[PlaceKind, PlaceRef] = {}
        for kind, registry in registries.items():
            place = registry.get(key) if wanted in (None, kind) else None
            if place is not None:
                found[kind] = PlaceRef(place.lon, place.lat, key, kind=kind)
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            self.add(
                source,
                column,
                text,
                "is the id of places of several kinds",
                "write the kind before the id: " + " or ".join(f"{k.value}:{key}" for k in found),
            )
            return None
        match = _LON_LAT.match(text)
        if match:
            try:
                return PlaceRef(float(match.group(1)), float(match.group(2)))
            except ValueError as error:
                self.add(source, column, text, f"is not a valid point: {error}", "give lon,lat")
                return None
        self.add(
            source,
            column,
            text,
            "is neither a known place id nor lon,lat",
            "use a station, enterprise, depot or exit id (kind:id where tables share it), "
            "or lon,lat such as 120.62,31.32",
        )
        return None

    def shipment(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        origin = self.place(source, cells, "origin")
        destination = self.place(source, cells, "destination")
        ready = self.moment(source, cells, "ready_time") if cells["ready_time"] else known
        due = self.moment(source, cells, "due_time") if cells["due_time"] else None
        if (
            origin is None
            or destination is None
            or ready is None
            or (cells["due_time"] and due is None)
        ):
            return None
        if due is not None and due < ready:
            self.add(
                source,
                "due_time",
                cells["due_time"],
                "is before ready_time",
                "give a later due time",
            )
            return None
        shipment = Shipment(
            str(cells["shipment_id"]),
            origin,
            destination,
            Cargo(str(cells["cargo"])),
            float(str(cells["weight_t"])),
            ready_time=ready,
            due_time=due,
            priority=int(float(str(cells["priority"] or 1))),
        )
        return ShipmentAdded(known, shipment, source)

    def cancelled(
        self, source: EventSource, cells: Mapping[str, object], known: dt.datetime
    ) -> Event | None:
        return ShipmentCancelled(known, str(cells["shipment_id"]), source)

    def walk_in(self, source: EventSource, cells: Mapping[str, object]) -> Arrival | None:
        when = self.moment(source, cells, "arrival_time")
        if when is None:
            return None
        return Arrival(
            worker_id=str(cells["worker_id"]),
            enterprise_id=str(cells["enterprise_id"]),
            station_id=str(cells["station_id"]),
            arrival_time=when,
            origin_region=str(cells["origin_region"]),
            health_code=HealthCode(str(cells["health_code"])),
            nucleic_test=NucleicTest(str(cells["nucleic_test"] or "none")),
            train_no=None if cells["train_no"] is None else str(cells["train_no"]),
            name=None if cells["name"] is None else str(cells["name"]),
            id_number=None if cells["id_number"] is None else str(cells["id_number"]),
            phone=None if cells["phone"] is None else str(cells["phone"]),
        )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class RawEvents:
    """The raw tables of an events file, before validation.

    Parameters
    ----------
    events, walk_ins
        The raw cells (``walk_ins`` None when not given).
    labels
        How each table is named in problems.
    lines
        For YAML: the line of each row (by position) per table. Default empty.
    """

    events: pd.DataFrame
    walk_ins: pd.DataFrame | None
    labels: Mapping[str, str]
    lines: Mapping[str, Sequence[int]] = dataclasses.field(default_factory=dict)


def _sheet(sheets: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    found = [frame for title, frame in sheets.items() if word_key(title) == name]
    return found[0] if found else None


def read_raw_events(path: Path) -> RawEvents:
    """The raw tables of an events folder, workbook or YAML file (see the module docstring)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        events_csv, walk_csv = path / "events.csv", path / "walk_ins.csv"
        if not events_csv.is_file():
            raise InputError(
                InputProblem(
                    path.name,
                    None,
                    None,
                    None,
                    "has no events.csv",
                    "add events.csv (docs/API.md, Events)",
                )
            )
        walk = read_frame(walk_csv) if walk_csv.is_file() else None
        return RawEvents(
            read_frame(events_csv), walk, {"events": "events.csv", "walk_ins": "walk_ins.csv"}
        )
    if suffix == ".csv":  # the events table alone (a walk-in needs walk_ins: a folder)
        return RawEvents(read_frame(path), None, {"events": path.name, "walk_ins": "walk_ins.csv"})
    if suffix in WORKBOOK_SUFFIXES:
        sheets = read_workbook(path)
        events = _sheet(sheets, "events")
        if events is None:
            raise InputError(
                InputProblem(
                    path.name, None, None, None, "has no sheet `events`", "add a sheet named events"
                )
            )
        labels = {name: f"{path.name}[{name}]" for name in ("events", "walk_ins")}
        return RawEvents(events, _sheet(sheets, "walk_ins"), labels)
    if suffix in YAML_SUFFIXES:
        return _raw_yaml(path)
    raise InputError(
        InputProblem(
            path.name,
            None,
            None,
            str(path),
            "is not an events file",
            "give a folder with events.csv, an .xlsx workbook or a .yaml file (docs/API.md)",
        )
    )


def _cell(value: object) -> object:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value)
    return value


def _raw_yaml(path: Path) -> RawEvents:
    """The events of a YAML file as raw tables, with the line of every row."""
    text = read_text_file(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = path.name if mark is None else f"{path.name} line {mark.line + 1}"
        raise InputError(
            InputProblem(
                where,
                None,
                None,
                None,
                f"is not valid YAML: {getattr(error, 'problem', error)}",
                "fix the syntax",
            )
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise InputError(
            InputProblem(
                path.name,
                None,
                "events",
                None,
                "must hold a list `events:`",
                "write `events:` then one `- kind: …` item per event",
            )
        )
    assert root is not None  # the text holds a mapping (checked above)
    items_node = next(v for k, v in root.value if k.value == "events")
    event_rows: list[dict[str, object]] = []
    event_lines: list[int] = []
    walk_rows: list[dict[str, object]] = []
    walk_lines: list[int] = []
    for item, node in zip(data["events"], items_node.value, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(item, dict):
            raise InputError(
                InputProblem(
                    f"{path.name} line {line}",
                    None,
                    None,
                    None,
                    "is not a mapping",
                    "write `- kind: …` with its keys",
                )
            )
        workers = item.pop("workers", None)
        event_rows.append({k: _cell(v) for k, v in item.items()})
        event_lines.append(line)
        if isinstance(workers, list):
            worker_nodes = next((v for k, v in node.value if k.value == "workers"), None)
            nodes = worker_nodes.value if worker_nodes is not None else []
            for worker, worker_node in zip(workers, nodes, strict=False):
                row = {k: _cell(v) for k, v in (worker.items() if isinstance(worker, dict) else [])}
                row.setdefault("event_id", item.get("event_id"))
                walk_rows.append(row)
                walk_lines.append(worker_node.start_mark.line + 1)
    walk = pd.DataFrame(walk_rows, dtype=object) if walk_rows else None
    return RawEvents(
        pd.DataFrame(event_rows, dtype=object),
        walk,
        {"events": path.name, "walk_ins": path.name},
        {"events": event_lines, "walk_ins": walk_lines},
    )


def _validated(
    raw: pd.DataFrame, table: DayTable, raw_events: RawEvents
) -> tuple[_Rows, list[InputProblem]]:
    """Validate one raw table; its rows with their sources (YAML rows named by line)."""
    label = raw_events.labels[table.name]
    lines = raw_events.lines.get(table.name)
    frame, found = validate_frame(raw, table.spec, label=label)

    def source(row: int | None) -> EventSource:
        if lines is None or row is None:
            return EventSource(label, row)
        return EventSource(f"{label} line {lines[row - 2]}", None)

    problems = [
        dataclasses.replace(p, table=source(p.row).table, row=source(p.row).row) for p in found
    ]
    bad = {p.row for p in found if p.row is not None}
    broken = any(p.row is None for p in found)
    names = [c.name for c in table.spec.columns]
    records = (
        []
        if broken
        else [
            (source(number), cells) for number, cells in _records(frame, names) if number not in bad
        ]
    )
    return _Rows(label, records), problems


def read_events(path: Path, day: Day) -> EventLog:
    """Read, validate and check an events file against ``day``.

    Parameters
    ----------
    path
        A folder with ``events.csv`` (and ``walk_ins.csv``), an ``.xlsx`` workbook with the
        sheets ``events`` (and ``walk_ins``), or a ``.yaml`` file.
    day
        The planning day the events happen on (as read, without events).

    Returns
    -------
    EventLog
        The events in the order they became known.

    Raises
    ------
    InputError
        Every problem of every row at once: bad cells, columns a kind needs or does not take,
        times off the planning day, and workers, stations, trains, exits, vehicles or
        shipments the day does not know.
    """
    raw = read_raw_events(path)
    reader = _Reader(day)
    events_rows, found = _validated(raw.events, EVENTS, raw)
    reader.problems.extend(found)
    walk_ins: dict[str, list[Arrival]] = {}
    walk_sources: dict[str, EventSource] = {}
    if raw.walk_ins is not None:
        walk_rows, found = _validated(raw.walk_ins, WALK_INS, raw)
        reader.problems.extend(found)
        for source, cells in walk_rows.records:
            arrival = reader.walk_in(source, cells)
            if arrival is not None:
                walk_ins.setdefault(str(cells["event_id"]), []).append(arrival)
                walk_sources.setdefault(str(cells["event_id"]), source)
    events: list[Event] = []
    kinds = {str(c["event_id"]): str(c["kind"]) for _, c in events_rows.records if c["event_id"]}
    for event_id, source in walk_sources.items():
        if kinds.get(event_id) != EventKind.WALK_IN.value:
            reader.add(
                source,
                "event_id",
                event_id,
                "is not a walk_in event of the events table",
                "give the `event_id` of a walk_in event",
            )
    for source, cells in events_rows.records:
        event = reader.event(source, cells, walk_ins)
        if event is not None:
            events.append(event)
    log = EventLog(tuple(events), source=path.name)
    reader.problems.extend(event_problems(day, log))
    reader.problems.raise_if_any()
    return log
