"""Column specifications and documentation of the planning day's input tables.

One source of truth for the intake validator, the blank XLSX template and docs/API.md.
Times in ``arrival_time``, ``available_*``, ``valid_*``, ``ready_time`` and ``due_time`` are
kept as text here and parsed by ``dispatch.intake.reader`` (they may be a full ISO 8601 local time,
a date, or a clock time ``HH:MM`` on the planning day).
"""

from __future__ import annotations

from dataclasses import dataclass

from stations import places
from stations.tabular import Column, Kind, TableSpec

HEALTH_CODES = ("green", "yellow", "red")
NUCLEIC_TESTS = ("negative", "positive", "none")
RISK_LEVELS = ("low", "medium", "high")
VEHICLE_CLASSES = ("bus", "truck")
PERMIT_KINDS = ("passenger", "goods")
CARGO_KINDS = ("epidemic_supplies", "necessities", "production_materials", "other")
STATION_KINDS = places.STATIONS.column("kind").choices
EXIT_STATUSES = places.EXITS.column("status").choices

# Text columns that hold times (parsed by dispatch.intake.reader, see dispatch.intake.moments)
TIME_COLUMNS = frozenset(
    {
        "arrival_time",
        "available_from",
        "available_to",
        "valid_from",
        "valid_to",
        "ready_time",
        "due_time",
    }
)
_MOMENT = "ISO 8601 local time (2020-02-24T08:30), or HH:MM on the planning day"


@dataclass(frozen=True, slots=True)
class DayTable:
    """One input table of a planning day: its spec, whether it must exist, and column docs.

    Parameters
    ----------
    spec
        Columns and key (``spec.name`` is the file stem and the workbook sheet name).
    required
        Whether the file (or sheet) must be present.
    summary
        One line saying what a row is.
    docs
        ``(column, description with unit)`` pairs, one per spec column.
    """

    spec: TableSpec
    required: bool
    summary: str
    docs: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        documented = [name for name, _ in self.docs]
        names = [c.name for c in self.spec.columns]
        if documented != names:
            raise ValueError(f"table {self.name}: docs {documented} do not match columns {names}")

    @property
    def name(self) -> str:
        """Table name (file stem / sheet name)."""
        return self.spec.name

    @property
    def filename(self) -> str:
        """CSV file name in a day folder."""
        return f"{self.name}.csv"

    def doc(self, column: str) -> str:
        """Description of ``column``."""
        return dict(self.docs)[column]


def _text(name: str, *, required: bool = True, fix: str = "") -> Column:
    return Column(name, Kind.TEXT, required=required, fix=fix)


def _id(name: str, *, required: bool = True, fix: str = "") -> Column:
    """An id (its own key, or a reference to another table's): matched after normalising."""
    return Column(name, Kind.ID, required=required, fix=fix)


def _choice(name: str, choices: tuple[str, ...], **options: object) -> Column:
    return Column(name, Kind.CHOICE, choices=choices, **options)  # type: ignore[arg-type]


ARRIVALS = DayTable(
    TableSpec(
        "arrivals",
        (
            _id("worker_id"),
            _id("enterprise_id"),
            _id("station_id"),
            _text("arrival_time", fix=f"give the arrival as {_MOMENT}"),
            _text("origin_region"),
            _choice("health_code", HEALTH_CODES),
            _choice("nucleic_test", NUCLEIC_TESTS, required=False, default="none"),
            _text("train_no", required=False),
            _text("name", required=False),
            _text("id_number", required=False),
            _text("phone", required=False),
        ),
        key="worker_id",
    ),
    required=True,
    summary="one registered worker arriving at a station (export of the demand platform)",
    docs=(
        ("worker_id", "unique id of the registration"),
        ("enterprise_id", "employer the worker goes to (an `enterprise_id` of enterprises)"),
        ("station_id", "arrival station (a `station_id` of stations or the embedded registry)"),
        ("arrival_time", f"scheduled arrival of the train or coach; {_MOMENT}"),
        (
            "origin_region",
            "where the worker comes from, e.g. 河南省信阳市 (matched to risk_regions)",
        ),
        ("health_code", "health code colour: green, yellow, red"),
        ("nucleic_test", "latest nucleic acid test: negative, positive, none; [none]"),
        ("train_no", "train or coach number, e.g. G7012; [empty]"),
        ("name", "worker's name (personal data, masked in outputs); [empty]"),
        ("id_number", "resident id number (personal data, masked in outputs); [empty]"),
        ("phone", "mobile phone (personal data, masked in outputs); [empty]"),
    ),
)

ENTERPRISES = DayTable(
    places.ENTERPRISES,
    required=True,
    summary="one employer (用工企业) receiving workers; the bus drops them at its gate",
    docs=(
        ("enterprise_id", "unique id"),
        ("name", "company name"),
        ("lon", "longitude of the gate, degrees WGS-84"),
        ("lat", "latitude of the gate, degrees WGS-84"),
        ("certified", "approved to resume work (复工备案): true/false"),
        ("district", "district name, for reports; [empty]"),
        ("key_enterprise", "key enterprise (重点企业), for reports: true/false; [false]"),
        ("escort_contact", "escort's name and phone (personal data, masked); [empty]"),
    ),
)

STATIONS = DayTable(
    places.STATIONS,
    required=False,
    summary="an arrival station; rows add to (or, same id, replace) the embedded stations",
    docs=(
        ("station_id", "unique id"),
        ("name_zh", "Chinese name"),
        ("name_en", "English name"),
        ("kind", "rail, coach, airport"),
        ("lon", "longitude of the bus bays, degrees WGS-84"),
        ("lat", "latitude of the bus bays, degrees WGS-84"),
        ("bays", "bus bays for charter boarding; [unlimited]"),
        ("source", "where the row comes from; [empty]"),
    ),
)

DEPOTS = DayTable(
    places.DEPOTS,
    required=True,
    summary="a bus (or truck) operator's yard where shifts start and end",
    docs=(
        ("depot_id", "unique id"),
        ("operator", "operator (company) name"),
        ("lon", "longitude, degrees WGS-84"),
        ("lat", "latitude, degrees WGS-84"),
        ("name", "yard name; [empty]"),
    ),
)

FLEET = DayTable(
    TableSpec(
        "fleet",
        (
            _id("vehicle_id"),
            _text("operator"),
            _id("depot_id"),
            _choice("class", VEHICLE_CLASSES),
            Column("seats", Kind.INT, required=False, minimum=1, maximum=120),
            Column("capacity_t", Kind.FLOAT, required=False, minimum=0.1, maximum=100),
            Column("capacity_m3", Kind.FLOAT, required=False, minimum=0.1, maximum=300),
            _text("available_from", required=False),
            _text("available_to", required=False),
            Column("cost_per_km", Kind.FLOAT, required=False, minimum=0, maximum=1_000),
            Column("cost_per_hour", Kind.FLOAT, required=False, minimum=0, maximum=10_000),
            Column("fixed_cost", Kind.FLOAT, required=False, minimum=0, maximum=100_000),
        ),
        key="vehicle_id",
    ),
    required=True,
    summary="one vehicle (the plate is its id)",
    docs=(
        ("vehicle_id", "plate number, e.g. 苏E·12345"),
        ("operator", "operator (company) name"),
        ("depot_id", "home depot (a `depot_id` of depots)"),
        ("class", "bus or truck"),
        ("seats", "passenger seats of a bus, driver excluded; required for buses"),
        ("capacity_t", "payload of a truck, tonnes; required for trucks"),
        ("capacity_m3", "cargo volume of a truck, m³; [unlimited]"),
        ("available_from", f"start of availability; {_MOMENT}; [day start]"),
        ("available_to", f"end of availability; {_MOMENT}; [day end]"),
        ("cost_per_km", "running cost, CNY per km; [4]"),
        ("cost_per_hour", "running cost, CNY per hour out of the depot; [50]"),
        ("fixed_cost", "cost of using the vehicle that day, CNY; [300]"),
    ),
)

PERMITS = DayTable(
    TableSpec(
        "permits",
        (
            _id("permit_no"),
            _id("vehicle_id"),
            _choice("kind", PERMIT_KINDS),
            _text("valid_from", fix="give a date (2020-02-01) or an ISO 8601 local time"),
            _text("valid_to", fix="give a date (2020-12-31) or an ISO 8601 local time"),
        ),
        key="permit_no",
    ),
    required=True,
    summary="a road transport permit (道路运输证) held by a vehicle",
    docs=(
        ("permit_no", "unique permit number"),
        ("vehicle_id", "plate of the vehicle holding it (a `vehicle_id` of fleet)"),
        ("kind", "passenger or goods"),
        ("valid_from", "first day (or moment) of validity; a date means from 00:00"),
        ("valid_to", "last day (or moment) of validity; a date means through 24:00"),
    ),
)

EXITS = DayTable(
    TableSpec(
        "exits",
        (
            _id("exit_id"),
            _text("name", required=False),
            _text("road", required=False),
            Column("lon", Kind.LON, required=False),
            Column("lat", Kind.LAT, required=False),
            places.EXITS.column("status"),
            Column("delay_min", Kind.FLOAT, required=False, minimum=0, maximum=1440),
        ),
        key="exit_id",
    ),
    required=False,
    summary=(
        "the day's status of a highway exit / checkpoint; an id of the embedded layer updates "
        "it (name, lon, lat optional), a new id adds a checkpoint (name, lon, lat required); "
        "embedded checkpoints not listed stay open"
    ),
    docs=(
        ("exit_id", "checkpoint id (embedded id, or a new one)"),
        ("name", "name; required for a new checkpoint"),
        ("road", "road it lies on, e.g. G2; [empty]"),
        ("lon", "longitude, degrees WGS-84; required for a new checkpoint"),
        ("lat", "latitude, degrees WGS-84; required for a new checkpoint"),
        ("status", "green_channel, open, freight_only, closed"),
        ("delay_min", "checkpoint delay, minutes; [network default for the status]"),
    ),
)

RISK_REGIONS = DayTable(
    TableSpec(
        "risk_regions",
        (_text("region"), _choice("level", RISK_LEVELS)),
        key="region",
    ),
    required=False,
    summary=(
        "epidemic risk level of a region; unlisted regions are low risk; a listed region "
        "covers every origin that starts with its name (湖北省 covers 湖北省武汉市)"
    ),
    docs=(
        ("region", "region name as written in arrivals' `origin_region` (or its prefix)"),
        ("level", "low, medium, high"),
    ),
)

SHIPMENTS = DayTable(
    TableSpec(
        "shipments",
        (
            _id("shipment_id"),
            _id("origin", fix="give a place id (depot, station, enterprise, exit) or lon,lat"),
            _id("destination", fix="give a place id or lon,lat"),
            _choice("cargo", CARGO_KINDS),
            Column("weight_t", Kind.FLOAT, minimum=0, maximum=1_000),
            Column("volume_m3", Kind.FLOAT, required=False, minimum=0, maximum=10_000),
            _text("ready_time", required=False),
            _text("due_time", required=False),
            Column("priority", Kind.INT, required=False, minimum=1, maximum=9, default=1),
            _text("origin_name", required=False),
            _text("destination_name", required=False),
        ),
        key="shipment_id",
    ),
    required=False,
    summary="a supply shipment for trucks (planned by the supply stage)",
    docs=(
        ("shipment_id", "unique id"),
        ("origin", "pickup: a place id, or `lon,lat` in degrees WGS-84"),
        ("destination", "delivery: a place id, or `lon,lat`"),
        ("cargo", "epidemic_supplies, necessities, production_materials, other"),
        ("weight_t", "weight, tonnes"),
        ("volume_m3", "volume, m³; [0]"),
        ("ready_time", f"earliest pickup; {_MOMENT}; [day start]"),
        ("due_time", f"latest delivery; {_MOMENT}; [day end]"),
        ("priority", "1 (normal) … 9 (most urgent); [1]"),
        ("origin_name", "name of the pickup place (shipper), e.g. 太仓港; [the place's name]"),
        ("destination_name", "name of the delivery place (consignee); [the place's name]"),
    ),
)

DAY_TABLES: tuple[DayTable, ...] = (
    ARRIVALS,
    ENTERPRISES,
    STATIONS,
    DEPOTS,
    FLEET,
    PERMITS,
    EXITS,
    RISK_REGIONS,
    SHIPMENTS,
)


def day_table(name: str) -> DayTable:
    """The table called ``name``."""
    for table in DAY_TABLES:
        if table.name == name:
            return table
    raise KeyError(f"{name!r} is not a day table (known: {', '.join(t.name for t in DAY_TABLES)})")
