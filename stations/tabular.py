"""Reading and validating input tables (CSV, XLSX, GeoJSON/GeoPackage) against a column spec.

Every layer that reads a table (places here, arrivals/fleet/permits in ``dispatch``) describes
it with a ``TableSpec`` and calls ``read_table``/``validate_frame``: problems are collected for
every row and column and raised together as one ``InputError``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd

from stations.errors import InputError, InputProblem, InputWarning, ProblemCollector
from stations.files import special_file_problems
from stations.text import clean_text, identity, word_key
from stations.workbook import WORKBOOK_ERRORS, Formula, read_workbook

# The dates any input may hold (a year 9999 or 0001 is a typing mistake, not a plan).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "是", "对", "有"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "否", "无", "不"})
GEO_SUFFIXES = frozenset({".geojson", ".json", ".gpkg", ".shp"})
TABLE_SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm"}) | GEO_SUFFIXES
# CSV encodings tried in turn: UTF-8 (with or without BOM), then GB 18030 (a superset of the
# GBK that Excel on a Chinese Windows saves "CSV" in).
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
FORMULA_FIX = (
    "open the workbook in Excel or WPS and save it (so the formula's value is stored), "
    "or type the value instead of the formula"
)
# A number with thousands separators, e.g. 12,500 or 1,234.5 (a lone "1,5" is not one).
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class Kind(StrEnum):
    """Type of a column's values."""

    TEXT = "text"
    ID = "id"  # text matched against other text: normalised by ``stations.text.identity``
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
        Allowed values for ``Kind.CHOICE`` (compared as ``stations.text.word_key``: case,
        width and invisible characters do not matter). Default ().
    minimum, maximum
        Inclusive numeric bounds (every number column of an input table has both; they are
        documented in docs/API.md). Default None.
    default
        Value used for empty cells of an optional column. Default None.
    fix
        Hint shown with every problem in this column. Default "".
    aliases
        Other spellings accepted for ``Kind.CHOICE`` values, as ``(alias, choice)`` pairs
        (compared case-insensitively), e.g. ``("关闭", "closed")``. Default ().
    """

    name: str
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    fix: str = ""
    aliases: tuple[tuple[str, str], ...] = ()


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


def is_blank(value: object) -> bool:
    """Whether a raw cell is empty: None, NaN, NaT or only white space."""
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
        Kind.ID: "an id (text)",
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
    text = clean_text(str(value))
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        return float(text)
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
    if isinstance(value, Formula):
        return None, "is a formula without a saved value"
    if kind in (Kind.TEXT, Kind.ID):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # ids typed as numbers in a spreadsheet
        return (identity(text) if kind is Kind.ID else text), None
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value), None  # a spreadsheet's 1/0 (also read as 1.0/0.0)
        word = word_key(str(value))
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, "is not true or false"
    if kind is Kind.CHOICE:
        allowed = {word_key(a): c for a, c in column.aliases}
        allowed.update({word_key(c): c for c in column.choices})
        word = word_key(str(value))
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


def row_numbers(frame: pd.DataFrame) -> list[int]:
    """Spreadsheet row number of each row of ``frame`` (the header is row 1).

    A table as read (and as returned by ``validate_frame``) has the 0-based data-row position in
    the file as its index, so the row number is the index + 2; a frame whose index is not made of
    integers is numbered by position.
    """
    if pd.api.types.is_integer_dtype(frame.index.dtype):
        return [int(label) + 2 for label in frame.index]
    return list(range(2, len(frame) + 2))


def _blank_rows(frame: pd.DataFrame) -> list[bool]:
    return [all(is_blank(cell) for cell in row) for row in frame.itertuples(index=False)]


def _hint(column: Column) -> str:
    """What a valid cell of ``column`` is, with its range (e.g. "a number from 0 to 1000")."""
    hint = _describe_kind(column)
    low, high = column.minimum, column.maximum
    finite = [b is not None and math.isfinite(b) for b in (low, high)]
    if column.kind in (Kind.INT, Kind.FLOAT) and all(finite):
        hint += f" from {low:g} to {high:g}"
    elif column.kind in (Kind.INT, Kind.FLOAT) and finite[0]:
        hint += f" of at least {low:g}"
    elif column.kind in (Kind.INT, Kind.FLOAT) and finite[1]:
        hint += f" of at most {high:g}"
    return hint


def _check_cell(
    cell: object, column: Column, table: str, row: int, problems: ProblemCollector
) -> object:
    """The converted cell, or the column default after recording why it is wrong."""
    if is_blank(cell):
        if column.required:
            fix = column.fix or f"fill in {_describe_kind(column)}"
            problems.add(table, row, column.name, None, "is empty", fix)
        return column.default
    parsed, why = parse_cell(cell, column)
    if isinstance(cell, Formula):
        problems.add(table, row, column.name, cell, why or "is a formula", FORMULA_FIX)
        return column.default
    if why is not None:
        problems.add(table, row, column.name, cell, why, column.fix or f"give {_hint(column)}")
    return parsed


def _check_key(
    keys: list[object], rows: list[int], key: str, table: str, problems: ProblemCollector
) -> None:
    seen: dict[object, int] = {}
    for row, value in zip(rows, keys, strict=True):
        if value is None:
            continue
        if value in seen:
            problems.add(
                table,
                row,
                key,
                value,
                f"is a duplicate (first on row {seen[value]})",
                f"give each row its own `{key}`",
            )
        else:
            seen[value] = row


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Which headers of a table match which spec columns.

    Parameters
    ----------
    positions
        Spec column name → positions of the headers that match it (more than one is a
        problem: two headers that map to one column).
    unknown
        Headers that match no spec column, as given.
    """

    positions: dict[str, list[int]]
    unknown: tuple[object, ...]


def match_headers(headers: Sequence[object] | pd.Index, spec: TableSpec) -> HeaderMatch:
    """Match table headers to ``spec``'s columns by ``stations.text.word_key`` (case, width,
    surrounding and invisible characters do not matter: ``Station_ID\u200b`` is
    ``station_id``)."""
    by_key = {word_key(c.name): c.name for c in spec.columns}
    positions: dict[str, list[int]] = {}
    unknown: list[object] = []
    for position, header in enumerate(headers):
        name = by_key.get(word_key(str(header)))
        if name is None:
            unknown.append(header)
        else:
            positions.setdefault(name, []).append(position)
    return HeaderMatch(positions, tuple(unknown))


def validate_frame(
    frame: pd.DataFrame, spec: TableSpec, *, label: str | None = None
) -> tuple[pd.DataFrame, list[InputProblem]]:
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
    defaults) and the problems found. Rows are numbered as in a spreadsheet (header = row 1; see
    ``row_numbers``); wholly blank rows are skipped, and the converted table keeps the index of
    the rows it came from, so ``row_numbers`` of it still gives their spreadsheet rows.
    Unknown columns give an ``InputWarning``.
    """
    table = label or spec.name
    problems = ProblemCollector()
    found = match_headers(frame.columns, spec)
    known = {c.name for c in spec.columns}
    unknown = [str(c).strip() for c in found.unknown if word_key(str(c)) != "geometry"]
    if unknown:
        warnings.warn(
            f"{table}: unknown column(s) {', '.join(map(repr, unknown))} ignored "
            f"(known: {', '.join(sorted(known))})",
            InputWarning,
            stacklevel=2,
        )
    for name, positions in found.positions.items():
        if len(positions) > 1:
            given = " and ".join(repr(str(frame.columns[i])) for i in positions)
            problems.add(
                table,
                None,
                name,
                None,
                f"is given {len(positions)} times (headers {given})",
                f"keep one `{name}` column",
            )
    for column in spec.columns:
        if column.required and column.name not in found.positions:
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

    numbers = row_numbers(frame)
    keep = [not blank for blank in _blank_rows(frame)]
    rows = [number for number, kept in zip(numbers, keep, strict=True) if kept]
    frame = frame.iloc[[i for i, kept in enumerate(keep) if kept]]
    converted: dict[str, list[object]] = {}
    for column in spec.columns:
        at = found.positions.get(column.name)
        raw = frame.iloc[:, at[0]].tolist() if at else [None] * len(rows)
        converted[column.name] = [
            _check_cell(cell, column, table, row, problems)
            for cell, row in zip(raw, rows, strict=True)
        ]
    index: list[Hashable] = [row - 2 for row in rows]
    result = pd.DataFrame(converted, index=index, columns=[c.name for c in spec.columns])
    if spec.key is not None:
        _check_key(converted[spec.key], rows, spec.key, table, problems)
    order = {c.name: i for i, c in enumerate(spec.columns)}
    ranked = sorted(
        problems.problems, key=lambda p: (p.row or 0, order.get(p.column or "", len(order)))
    )
    return result, ranked


def table_label(path: Path, *, sheet: str | None = None) -> str:
    """How a file (and sheet or layer) is named in problems, e.g. ``day.xlsx[exits]``."""
    return f"{path.name}[{sheet}]" if sheet else path.name


def read_raw(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a table file as raw cells.

    Parameters
    ----------
    path
        CSV (UTF-8 with or without BOM, or GB 18030/GBK), XLSX, GeoJSON or GeoPackage file.
        Point geometries become ``lon``/``lat`` columns; other geometries stay in a
        ``geometry`` column.
    sheet
        XLSX sheet name, or GeoPackage layer name. Default the first sheet or layer.

    Returns
    -------
    The cells, indexed by 0-based data-row position (blank CSV lines are kept as blank rows so
    the row numbers match the file).
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValueError(
            f"{path.name}: unsupported file type {suffix!r} "
            f"(use one of {', '.join(sorted(TABLE_SUFFIXES))})"
        )
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_workbook(path, sheet=sheet)
        if not sheets:
            raise ValueError("the workbook has no worksheet")
        return next(iter(sheets.values()))
    return _read_geo(path, layer=sheet)


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in CSV_ENCODINGS[:-1]:
        try:
            return _read_csv_as(path, encoding)
        except UnicodeDecodeError:
            continue
    return _read_csv_as(path, CSV_ENCODINGS[-1])


def _read_csv_as(path: Path, encoding: str) -> pd.DataFrame:
    # header=None: the header row is taken as written (pandas would rename a repeated header
    # `name` to `name.1`, hiding that two columns map to one).
    cells = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        encoding=encoding,
        skip_blank_lines=False,
        header=None,
    )
    if cells.empty:
        return pd.DataFrame()
    frame = cells.iloc[1:]
    frame.columns = pd.Index(list(cells.iloc[0]), dtype=object)
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _read_geo(path: Path, *, layer: str | None = None) -> pd.DataFrame:
    import geopandas as gpd

    frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    plain = pd.DataFrame(frame.drop(columns="geometry"))
    plain.index = pd.RangeIndex(len(plain))
    geometry = list(frame.geometry)
    points = [g if _is_point(g) else None for g in geometry]
    if any(p is not None for p in points):
        plain["lon"] = [math.nan if p is None else p.x for p in points]
        plain["lat"] = [math.nan if p is None else p.y for p in points]
    if any(p is None for p in points):
        plain["geometry"] = [
            None if p is not None else g for g, p in zip(geometry, points, strict=True)
        ]
    return plain


def _is_point(geometry: object) -> bool:
    return bool(
        geometry is not None
        and getattr(geometry, "geom_type", None) == "Point"
        and not getattr(geometry, "is_empty", True)
    )


# What reading a user's file may raise when the file is wrong (not when our code is).
READ_ERRORS: tuple[type[Exception], ...] = (
    *WORKBOOK_ERRORS,
    RuntimeError,  # pyogrio's DataSourceError / DataLayerError
)


def read_frame(path: Path, *, sheet: str | None = None, label: str | None = None) -> pd.DataFrame:
    """Read a table file's raw cells (see ``read_raw``); an unreadable file is an ``InputError``.

    Parameters
    ----------
    path
        The file.
    sheet
        XLSX sheet or GeoPackage layer. Default the first.
    label
        Name used in problems. Default ``table_label(path, sheet=sheet)``.
    """
    label = label or table_label(path, sheet=sheet)
    special = special_file_problems([path], label=label)
    if special:
        raise InputError(special)
    try:
        return read_raw(path, sheet=sheet)
    except InputError:
        raise  # a workbook too large to read, named already
    except READ_ERRORS as error:
        fix = "check that the file exists and is a CSV, XLSX, GeoJSON or GeoPackage file"
        if sheet:
            fix += f" with a sheet or layer named {sheet!r}"
        raise InputError(
            InputProblem(label, None, None, None, f"cannot be read: {error}", fix)
        ) from error


def read_table(
    path: Path, spec: TableSpec, *, sheet: str | None = None, label: str | None = None
) -> pd.DataFrame:
    """Read and validate one table file; raise ``InputError`` with every problem found."""
    label = label or table_label(path, sheet=sheet)
    frame, found = validate_frame(read_frame(path, sheet=sheet, label=label), spec, label=label)
    if found:
        raise InputError(found)
    return frame


def rows_as_records(frame: pd.DataFrame, names: Sequence[str]) -> list[dict[str, object]]:
    """Rows of ``frame`` as plain records of the given columns (for building dataclasses)."""
    return [
        dict(zip(names, values, strict=True))
        for values in frame[list(names)].itertuples(index=False, name=None)
    ]
