"""Reading and validating place tables: stations, enterprises, depots, exits and districts.

Each table is read from CSV, an XLSX sheet, GeoJSON or GeoPackage (points give ``lon``/``lat``;
districts need polygons, or WKT text in a ``geometry`` column of a CSV/XLSX). Every problem in a
table (missing column, bad cell, duplicate id, a position outside China or with lon/lat swapped,
a broken polygon) is collected and raised as one ``InputError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from stations.errors import InputError, InputProblem, ProblemCollector
from stations.model import (
    LAT_RANGE,
    LON_RANGE,
    Depot,
    District,
    Enterprise,
    Exit,
    ExitKind,
    ExitStatus,
    Registry,
    Station,
    StationKind,
)
from stations.tabular import (
    Column,
    Kind,
    TableSpec,
    read_frame,
    row_numbers,
    table_label,
    validate_frame,
)

P = TypeVar("P")
Record = Mapping[str, object]

_POINT_FIX = "give WGS-84 lon/lat in degrees, e.g. lon 120.62, lat 31.32"
# Coordinates are range-checked as a pair after parsing (in China? swapped?), not cell by cell,
# so that a swapped pair is reported as swapped.
LON = Column("lon", Kind.LON, minimum=-math.inf, maximum=math.inf)
LAT = Column("lat", Kind.LAT, minimum=-math.inf, maximum=math.inf)

STATIONS = TableSpec(
    "stations",
    (
        Column("station_id", Kind.ID, fix="give each station a short id, e.g. suzhou_north"),
        Column("name_zh", Kind.TEXT),
        Column("name_en", Kind.TEXT),
        Column(
            "kind",
            Kind.CHOICE,
            choices=tuple(k.value for k in StationKind),
            aliases=(
                ("railway_station", "rail"),
                ("railway", "rail"),
                ("火车站", "rail"),
                ("高铁站", "rail"),
                ("铁路", "rail"),
                ("汽车站", "coach"),
                ("客运站", "coach"),
                ("机场", "airport"),
            ),
        ),
        LON,
        LAT,
        Column("bays", Kind.INT, required=False, minimum=1, maximum=1_000),
        Column("source", Kind.TEXT, required=False, default=""),
    ),
    key="station_id",
)

ENTERPRISES = TableSpec(
    "enterprises",
    (
        Column("enterprise_id", Kind.ID),
        Column("name", Kind.TEXT),
        LON,
        LAT,
        Column("certified", Kind.BOOL, fix="true if approved to resume work, else false"),
        Column("district", Kind.TEXT, required=False),
        Column("key_enterprise", Kind.BOOL, required=False, default=False),
        Column("escort_contact", Kind.TEXT, required=False),
    ),
    key="enterprise_id",
)

DEPOTS = TableSpec(
    "depots",
    (
        Column("depot_id", Kind.ID),
        Column("operator", Kind.TEXT),
        LON,
        LAT,
        Column("name", Kind.TEXT, required=False, default=""),
    ),
    key="depot_id",
)

EXITS = TableSpec(
    "exits",
    (
        Column("exit_id", Kind.ID),
        Column("name", Kind.TEXT),
        Column("road", Kind.TEXT, required=False, default=""),
        LON,
        LAT,
        Column(
            "status",
            Kind.CHOICE,
            choices=tuple(s.value for s in ExitStatus),
            aliases=(
                ("green", "green_channel"),
                ("绿色通道", "green_channel"),
                ("开放", "open"),
                ("正常", "open"),
                ("货车", "freight_only"),
                ("仅货车", "freight_only"),
                ("仅限货车", "freight_only"),
                ("关闭", "closed"),
                ("封闭", "closed"),
            ),
        ),
        Column("delay_min", Kind.FLOAT, required=False, minimum=0.0, maximum=24 * 60),
        Column(
            "kind",
            Kind.CHOICE,
            required=False,
            choices=tuple(k.value for k in ExitKind),
            default=ExitKind.USER.value,
        ),
        Column("illustrative", Kind.BOOL, required=False, default=False),
        Column("source", Kind.TEXT, required=False, default=""),
    ),
    key="exit_id",
)

DISTRICTS = TableSpec(
    "districts",
    (
        Column("district_id", Kind.ID),
        Column("name_zh", Kind.TEXT),
        Column("name_en", Kind.TEXT, required=False, default=""),
        Column("level", Kind.TEXT, required=False, default="district"),
        Column("code", Kind.TEXT, required=False, default=""),
        Column("source", Kind.TEXT, required=False, default=""),
    ),
    key="district_id",
)


def in_china(lon: float, lat: float) -> bool:
    """Whether ``lon``/``lat`` fall in the box the place model accepts (China and neighbours)."""
    return LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]


def _position_problem(lon: float, lat: float) -> tuple[str, str] | None:
    """``(message, fix)`` when a position is not a lon/lat in China, else ``None``."""
    if in_china(lon, lat):
        return None
    if in_china(lat, lon):
        return "look swapped: this is a lat, lon pair", "swap the `lon` and `lat` values"
    return (
        f"are not in China (lon {LON_RANGE[0]:g}–{LON_RANGE[1]:g}, "
        f"lat {LAT_RANGE[0]:g}–{LAT_RANGE[1]:g})",
        _POINT_FIX,
    )


def _geometry_cell(cell: object) -> tuple[BaseGeometry | None, str | None]:
    """A geometry from a GeoDataFrame cell or WKT text: ``(geometry, None)`` or ``(None, why)``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None, None
    if isinstance(cell, BaseGeometry):
        return cell, None
    text = str(cell).strip()
    if not text:
        return None, None
    try:
        return shapely.from_wkt(text), None
    except shapely.errors.ShapelyError:
        return None, "is not a WKT geometry"


def _points_from_geometry(
    frame: pd.DataFrame, label: str, problems: ProblemCollector
) -> pd.DataFrame:
    """Move point geometries into ``lon``/``lat``; report and drop rows with other shapes."""
    if "geometry" not in frame.columns:
        return frame
    frame = frame.copy()
    if not pd.api.types.is_integer_dtype(frame.index.dtype):
        frame = frame.reset_index(drop=True)
    for name in ("lon", "lat"):
        frame[name] = frame[name].astype(object) if name in frame.columns else None
    keep: list[bool] = []
    for label_index, row, cell in zip(
        frame.index, row_numbers(frame), frame["geometry"], strict=True
    ):
        geometry, why = _geometry_cell(cell)
        if why is not None:
            problems.add(label, row, "geometry", cell, why, "give a point, e.g. POINT (120.6 31.3)")
        elif geometry is not None and geometry.geom_type != "Point":
            problems.add(
                label,
                row,
                "geometry",
                geometry.geom_type,
                "is not a point",
                "give each place as a point (or as `lon`/`lat` columns)",
            )
        elif geometry is not None and not geometry.is_empty:
            frame.loc[label_index, "lon"] = geometry.x
            frame.loc[label_index, "lat"] = geometry.y
        keep.append(why is None and (geometry is None or geometry.geom_type == "Point"))
    return frame[keep].drop(columns="geometry")


def _sorted(problems: ProblemCollector, spec: TableSpec) -> list[InputProblem]:
    order = {c.name: i for i, c in enumerate(spec.columns)}
    return sorted(
        problems.problems,
        key=lambda p: (p.row or 0, order.get(p.column or "", len(order))),
    )


def _places_from_frame(
    frame: pd.DataFrame,
    spec: TableSpec,
    label: str | None,
    make: Callable[[Record], P],
    kind: str,
) -> Registry[P]:
    """Validate ``frame`` against ``spec`` and build one object per row with ``make``."""
    table = label or spec.name
    problems = ProblemCollector()
    frame = _points_from_geometry(frame, table, problems)
    converted, found = validate_frame(frame, spec, label=table)
    problems.extend(found)
    bad_rows = {p.row for p in problems.problems}
    if None in bad_rows:  # a missing column: rows cannot be built
        raise InputError(_sorted(problems, spec))
    places: list[P] = []
    for row, record in _records(converted, spec):
        if _position_ok(record, table, row, problems) and row not in bad_rows:
            place = _build_row(record, make, table, row, problems)
            if place is not None:
                places.append(place)
    if len(problems):
        raise InputError(_sorted(problems, spec))
    return Registry.of(kind, places, spec.key or spec.columns[0].name)


def _records(converted: pd.DataFrame, spec: TableSpec) -> list[tuple[int, Record]]:
    """``(spreadsheet row, {column: value})`` for each row of a validated table."""
    names = [c.name for c in spec.columns]
    rows = converted[names].itertuples(index=False, name=None)
    return [
        (row, {name: _missing_as_none(v) for name, v in zip(names, values, strict=True)})
        for row, values in zip(row_numbers(converted), rows, strict=True)
    ]


def _missing_as_none(value: object) -> object:
    """``None`` for the NaN/NaT pandas puts in a column with missing cells, else ``value``."""
    return None if value is pd.NaT or (isinstance(value, float) and math.isnan(value)) else value


def _position_ok(record: Record, table: str, row: int, problems: ProblemCollector) -> bool:
    """Whether the row's lon/lat (when both parsed) are in China; report them if not."""
    lon, lat = record.get("lon"), record.get("lat")
    if not isinstance(lon, float | int) or not isinstance(lat, float | int):
        return True  # missing or not a number: already reported
    wrong = _position_problem(float(lon), float(lat))
    if wrong is None:
        return True
    problems.add(table, row, "lon, lat", f"{lon}, {lat}", wrong[0], wrong[1])
    return False


def _build_row(
    record: Record,
    make: Callable[[Record], P],
    table: str,
    row: int,
    problems: ProblemCollector,
) -> P | None:
    try:
        return make(record)
    except ValueError as error:
        problems.add(table, row, None, None, f"is not a valid row: {error}", "correct the row")
        return None


def _text(record: Record, name: str) -> str:
    value = record[name]
    return "" if value is None else str(value)


def _optional_text(record: Record, name: str) -> str | None:
    value = record[name]
    return None if value is None else str(value)


def _number(record: Record, name: str) -> float:
    return float(str(record[name]))


def _make_station(record: Record) -> Station:
    bays = record["bays"]
    return Station(
        station_id=_text(record, "station_id"),
        name_zh=_text(record, "name_zh"),
        name_en=_text(record, "name_en"),
        kind=StationKind(_text(record, "kind")),
        lon=_number(record, "lon"),
        lat=_number(record, "lat"),
        bays=None if bays is None else int(float(str(bays))),
        source=_text(record, "source"),
    )


def _make_enterprise(record: Record) -> Enterprise:
    return Enterprise(
        enterprise_id=_text(record, "enterprise_id"),
        name=_text(record, "name"),
        lon=_number(record, "lon"),
        lat=_number(record, "lat"),
        certified=bool(record["certified"]),
        district=_optional_text(record, "district"),
        key_enterprise=bool(record["key_enterprise"]),
        escort_contact=_optional_text(record, "escort_contact"),
    )


def _make_depot(record: Record) -> Depot:
    return Depot(
        depot_id=_text(record, "depot_id"),
        operator=_text(record, "operator"),
        lon=_number(record, "lon"),
        lat=_number(record, "lat"),
        name=_text(record, "name"),
    )


def _make_exit(record: Record) -> Exit:
    delay = record["delay_min"]
    return Exit(
        exit_id=_text(record, "exit_id"),
        name=_text(record, "name"),
        lon=_number(record, "lon"),
        lat=_number(record, "lat"),
        status=ExitStatus(_text(record, "status")),
        road=_text(record, "road"),
        delay_min=None if delay is None else float(str(delay)),
        kind=ExitKind(_text(record, "kind")),
        illustrative=bool(record["illustrative"]),
        source=_text(record, "source"),
    )


def stations_from_frame(frame: pd.DataFrame, *, label: str | None = None) -> Registry[Station]:
    """Validate a raw stations table and build its registry.

    Parameters
    ----------
    frame
        Raw cells as read (e.g. by ``stations.tabular.read_frame`` or from a workbook sheet).
    label
        Name used in problems, e.g. ``day.xlsx[stations]``. Default "stations".

    Raises
    ------
    InputError
        Every problem in the table.
    """
    return _places_from_frame(frame, STATIONS, label, _make_station, "station")


def enterprises_from_frame(
    frame: pd.DataFrame, *, label: str | None = None
) -> Registry[Enterprise]:
    """Validate a raw enterprises (employers) table and build its registry.

    Parameters
    ----------
    frame
        Raw cells as read.
    label
        Name used in problems. Default "enterprises".
    """
    return _places_from_frame(frame, ENTERPRISES, label, _make_enterprise, "enterprise")


def depots_from_frame(frame: pd.DataFrame, *, label: str | None = None) -> Registry[Depot]:
    """Validate a raw depots table and build its registry.

    Parameters
    ----------
    frame
        Raw cells as read.
    label
        Name used in problems. Default "depots".
    """
    return _places_from_frame(frame, DEPOTS, label, _make_depot, "depot")


def exits_from_frame(frame: pd.DataFrame, *, label: str | None = None) -> Registry[Exit]:
    """Validate a raw exits/checkpoints table and build its registry.

    Parameters
    ----------
    frame
        Raw cells as read; ``kind``, ``illustrative`` and ``source`` are optional columns
        (defaults ``user``, false, empty).
    label
        Name used in problems. Default "exits".
    """
    return _places_from_frame(frame, EXITS, label, _make_exit, "exit")


def _district_geometry(
    cell: object, table: str, row: int, problems: ProblemCollector
) -> BaseGeometry | None:
    """The polygon of one district row, or ``None`` after recording what is wrong with it."""
    fix = "give the district as a valid polygon in WGS-84 lon/lat"
    geometry, why = _geometry_cell(cell)
    if why is not None:
        problems.add(table, row, "geometry", cell, why, fix)
        return None
    if geometry is None or geometry.is_empty:
        problems.add(table, row, "geometry", None, "is empty", fix)
        return None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        problems.add(table, row, "geometry", geometry.geom_type, "is not a polygon", fix)
        return None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        problems.add(
            table,
            row,
            "geometry",
            reason,
            "is not a valid polygon",
            "repair it (e.g. QGIS 'Fix geometries' or shapely.make_valid)",
        )
        return None
    minx, miny, maxx, maxy = geometry.bounds
    wrong = _position_problem(minx, miny) or _position_problem(maxx, maxy)
    if wrong is not None:
        value = f"bounds {minx:g}, {miny:g}, {maxx:g}, {maxy:g}"
        problems.add(table, row, "geometry", value, wrong[0], wrong[1])
        return None
    return geometry


def districts_from_frame(frame: pd.DataFrame, *, label: str | None = None) -> Registry[District]:
    """Validate a raw districts table (with a ``geometry`` column) and build its registry.

    Parameters
    ----------
    frame
        Raw cells as read from GeoJSON/GeoPackage polygons, or a CSV/XLSX with WKT text in a
        ``geometry`` column.
    label
        Name used in problems. Default "districts".
    """
    table = label or DISTRICTS.name
    problems = ProblemCollector()
    if "geometry" not in frame.columns:
        problems.add(
            table,
            None,
            "geometry",
            None,
            "is missing (districts need polygons)",
            "give a GeoJSON/GeoPackage of polygons, or WKT polygons in a `geometry` column",
        )
        frame = frame.drop(columns=[c for c in ("lon", "lat") if c in frame.columns])
    converted, found = validate_frame(frame, DISTRICTS, label=table)
    problems.extend(found)
    if "geometry" not in frame.columns or any(p.row is None for p in found):
        raise InputError(_sorted(problems, DISTRICTS))
    cells = dict(zip(row_numbers(frame), frame["geometry"], strict=True))
    bad_rows = {p.row for p in found}
    districts: list[District] = []
    for row, record in _records(converted, DISTRICTS):
        geometry = _district_geometry(cells[row], table, row, problems)
        if geometry is None or row in bad_rows:
            continue
        districts.append(
            District(
                district_id=_text(record, "district_id"),
                name_zh=_text(record, "name_zh"),
                name_en=_text(record, "name_en"),
                level=_text(record, "level"),
                geometry=geometry,
                source=_text(record, "source"),
                code=_text(record, "code"),
            )
        )
    if len(problems):
        raise InputError(_sorted(problems, DISTRICTS))
    return Registry.of("district", districts, "district_id")


def _read(path: Path, sheet: str | None, from_frame: Callable[..., Registry[P]]) -> Registry[P]:
    label = table_label(path, sheet=sheet)
    return from_frame(read_frame(path, sheet=sheet, label=label), label=label)


def read_stations(path: Path, *, sheet: str | None = None) -> Registry[Station]:
    """Read a stations file (CSV, XLSX sheet, GeoJSON or GeoPackage).

    Parameters
    ----------
    path
        The file.
    sheet
        XLSX sheet or GeoPackage layer. Default the first.

    Raises
    ------
    InputError
        The file cannot be read, or every problem in it.
    """
    return _read(path, sheet, stations_from_frame)


def read_enterprises(path: Path, *, sheet: str | None = None) -> Registry[Enterprise]:
    """Read an enterprises (employers) file; formats, ``sheet`` and errors as ``read_stations``."""
    return _read(path, sheet, enterprises_from_frame)


def read_depots(path: Path, *, sheet: str | None = None) -> Registry[Depot]:
    """Read a depots file; formats, ``sheet`` and errors as ``read_stations``."""
    return _read(path, sheet, depots_from_frame)


def read_exits(path: Path, *, sheet: str | None = None) -> Registry[Exit]:
    """Read an exits/checkpoints file; formats, ``sheet`` and errors as ``read_stations``."""
    return _read(path, sheet, exits_from_frame)


def read_districts(path: Path, *, sheet: str | None = None) -> Registry[District]:
    """Read a districts file (GeoJSON/GeoPackage polygons, or CSV/XLSX with WKT geometry);
    ``sheet`` and errors as ``read_stations``."""
    return _read(path, sheet, districts_from_frame)
