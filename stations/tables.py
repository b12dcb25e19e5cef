"""Reading and validating input tables (CSV, XLSX, GeoJSON/GeoPackage) against a column spec.

Every layer that reads a table (places here, arrivals/fleet/permits in ``dispatch``) describes
it with a ``TableSpec`` and calls ``read_table``/``validate_frame``: problems are collected for
every row and column and raised together as one ``InputError``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd

from stations.errors import InputWarning, Problem, ProblemCollector

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "是", "对", "有"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "否", "无", "不"})
GEO_SUFFIXES = frozenset({".geojson", ".json", ".gpkg", ".shp"})
TABLE_SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm"}) | GEO_SUFFIXES


class Kind(StrEnum):
    """Type of a column's values."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATETIME = "datetime"  # ISO 8601 local time (Asia/Shanghai), no offset or +08:00
    DATE = "date"
    CHOICE = "choice"  # one of ``choices``
    LON = "lon"
    LAT = "lat"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    name
        Column header.
    kind
        Value type.
    required
        Whether the column must be present and every cell filled. Default True.
    choices
        Allowed values for ``Kind.CHOICE`` (compared case-insensitively). Default ().
    minimum, maximum
        Inclusive numeric bounds. Default None.
    default
        Value used for empty cells of an optional column. Default None.
    fix
        Hint shown with every problem in this column. Default "".
    """

    name: str
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    fix: str = ""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """The columns of one table and its key column (unique, non-empty), if any."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name} has no column {name!r}")

    @property
    def required_names(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and value.strip() == ""


def _describe_kind(column: Column) -> str:
    if column.kind is Kind.CHOICE:
        return "one of " + ", ".join(column.choices)
    return {
        Kind.TEXT: "text",
        Kind.INT: "a whole number",
        Kind.FLOAT: "a number",
        Kind.BOOL: "true or false",
        Kind.DATETIME: "an ISO 8601 local time such as 2020-02-24T08:30",
        Kind.DATE: "an ISO 8601 date such as 2020-02-24",
        Kind.LON: "a longitude in degrees (WGS-84), e.g. 120.62",
        Kind.LAT: "a latitude in degrees (WGS-84), e.g. 31.32",
        Kind.CHOICE: "",
    }[column.kind]


def _parse_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        return None


def _parse_datetime(value: object, *, date_only: bool) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        stamp = value
    else:
        text = str(value).strip()
        try:
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError):
            return None
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("Asia/Shanghai").tz_localize(None)
    if date_only:
        stamp = stamp.normalize()
    return stamp


def parse_cell(value: object, column: Column) -> tuple[object, str | None]:
    """Convert one non-blank cell; return ``(value, None)`` or ``(None, why it is wrong)``."""
    kind = column.kind
    if kind is Kind.TEXT:
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # ids typed as numbers in a spreadsheet
        return text, None
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, "is not true or false"
    if kind is Kind.CHOICE:
        word = str(value).strip().lower()
        allowed = {c.lower(): c for c in column.choices}
        if word in allowed:
            return allowed[word], None
        return None, "is not one of " + ", ".join(column.choices)
    if kind in (Kind.DATETIME, Kind.DATE):
        stamp = _parse_datetime(value, date_only=kind is Kind.DATE)
        if stamp is None:
            return None, "is not a valid ISO 8601 " + ("date" if kind is Kind.DATE else "time")
        return stamp, None
    number = _parse_number(value)
    if number is None or not math.isfinite(number):
        return None, "is not a number"
    if kind is Kind.INT:
        if not number.is_integer():
            return None, "is not a whole number"
        parsed: float | int = int(number)
    else:
        parsed = number
    bounds = {Kind.LON: (-180.0, 180.0), Kind.LAT: (-90.0, 90.0)}.get(kind)
    low, high = bounds if bounds else (column.minimum, column.maximum)
    low = column.minimum if column.minimum is not None else low
    high = column.maximum if column.maximum is not None else high
    if low is not None and number < low:
        return None, f"is below the minimum {low:g}"
    if high is not None and number > high:
        return None, f"is above the maximum {high:g}"
    return parsed, None


def validate_frame(
    frame: pd.DataFrame, spec: TableSpec, *, label: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check and convert ``frame`` against ``spec``.

    Parameters
    ----------
    frame
        Raw table as read (all cells may be text).
    spec
        The expected columns.
    label
        Name used in problems (e.g. ``arrivals.csv``). Default ``spec.name``.

    Returns
    -------
    The converted table (spec columns only, in spec order, optional columns filled with their
    defaults) and the problems found. Rows are numbered as in a spreadsheet (header = row 1).
    Unknown columns give an ``InputWarning``.
    """
    table = label or spec.name
    problems = ProblemCollector()
    frame = frame.rename(columns=lambda c: str(c).strip())
    known = {c.name for c in spec.columns}
    unknown = [c for c in frame.columns if c not in known and c != "geometry"]
    if unknown:
        warnings.warn(
            f"{table}: unknown column(s) {', '.join(map(repr, unknown))} ignored "
            f"(known: {', '.join(sorted(known))})",
            InputWarning,
            stacklevel=2,
        )
    for column in spec.columns:
        if column.required and column.name not in frame.columns:
            problems.add(
                table,
                None,
                column.name,
                None,
                "is a required column but is missing",
                f"add a `{column.name}` column ({_describe_kind(column)})",
            )
    if len(problems):
        return pd.DataFrame(columns=[c.name for c in spec.columns]), list(problems.problems)

    converted: dict[str, list[object]] = {}
    for column in spec.columns:
        values: list[object] = []
        raw = frame[column.name].tolist() if column.name in frame.columns else None
        for index in range(len(frame)):
            row = index + 2
            cell = None if raw is None else raw[index]
            if _is_blank(cell):
                if column.required:
                    problems.add(
                        table,
                        row,
                        column.name,
                        None,
                        "is empty",
                        column.fix or f"fill in {_describe_kind(column)}",
                    )
                values.append(column.default)
                continue
            parsed, why = parse_cell(cell, column)
            if why is not None:
                hint = _describe_kind(column)
                if why.startswith("is below"):
                    hint += f" of at least {why.rsplit(' ', 1)[-1]}"
                elif why.startswith("is above"):
                    hint += f" of at most {why.rsplit(' ', 1)[-1]}"
                problems.add(table, row, column.name, cell, why, column.fix or f"give {hint}")
            values.append(parsed)
        converted[column.name] = values
    result = pd.DataFrame(converted, index=range(len(frame)))
    if spec.key is not None:
        seen: dict[object, int] = {}
        for index, key in enumerate(converted[spec.key]):
            if key is None:
                continue
            if key in seen:
                problems.add(
                    table,
                    index + 2,
                    spec.key,
                    key,
                    f"is a duplicate (first on row {seen[key]})",
                    f"give each row its own `{spec.key}`",
                )
            else:
                seen[key] = index + 2
    order = {c.name: i for i, c in enumerate(spec.columns)}
    ranked = sorted(
        problems.problems, key=lambda p: (p.row or 0, order.get(p.column or "", len(order)))
    )
    return result, ranked


def read_raw(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a table file as text cells: CSV (UTF-8, with or without BOM), XLSX sheet,
    GeoJSON or GeoPackage (point geometries become ``lon``/``lat`` columns)."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValueError(
            f"{path.name}: unsupported file type {suffix!r} "
            f"(use one of {', '.join(sorted(TABLE_SUFFIXES))})"
        )
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl")
    return _read_geo(path)


def _read_geo(path: Path) -> pd.DataFrame:
    import geopandas as gpd

    frame = gpd.read_file(path)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    plain = pd.DataFrame(frame.drop(columns="geometry"))
    geometry = frame.geometry
    if len(frame) and (geometry.geom_type == "Point").all():
        plain["lon"] = geometry.x.astype(float)
        plain["lat"] = geometry.y.astype(float)
    else:
        plain["geometry"] = list(geometry)
    return plain


def read_table(
    path: Path, spec: TableSpec, *, sheet: str | None = None, label: str | None = None
) -> pd.DataFrame:
    """Read and validate one table file; raise ``InputError`` with every problem found."""
    label = label or (f"{path.name}[{sheet}]" if sheet else path.name)
    try:
        raw = read_raw(path, sheet=sheet)
    except (OSError, ValueError, KeyError) as error:
        problems = ProblemCollector()
        problems.add(label, None, None, None, f"cannot be read: {error}", "check the file")
        problems.raise_if_any()
        raise AssertionError("unreachable") from error
    frame, found = validate_frame(raw, spec, label=label)
    collector = ProblemCollector()
    collector.extend(found)
    collector.raise_if_any()
    return frame


def rows_as_records(frame: pd.DataFrame, names: Sequence[str]) -> list[dict[str, object]]:
    """Rows of ``frame`` as plain records of the given columns (for building dataclasses)."""
    return [
        dict(zip(names, values, strict=True))
        for values in frame[list(names)].itertuples(index=False, name=None)
    ]
